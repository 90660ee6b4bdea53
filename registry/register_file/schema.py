"""The JSON Schema (Draft 2020-12) of the register file, generated from the tables' columns so
that the schema and the file cannot drift apart: each enum's values from its Python enum, each
text's `maxLength` from its column, a nullable column as `[type, "null"]`, a day as ISO text.

What a column cannot say, the schema says beside it: a country is ISO 3166-1 alpha-2 in upper
case (the tables' CHECK), an SCC module is 1 to 4 (`scc_module_range`), a term's code is lower
case (`code_lower`). The rules between fields (a ground's details go with its tool) and the
references (a term a subprocessor names exists) are checked by the import's plan, which says
which item breaks them.
"""

from datetime import date, datetime

import sqlalchemy as sa

from registry.models import ChainLink, Entity, ProcessingLocation, Subprocessor
from registry.models.vocabulary import Service
from registry.register.state import TERMS
from registry.register_file import FORMAT_NAME, VERSION, VOCABULARIES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$"}
DAY = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
INSTANT = {"type": "string", "format": "date-time"}
# What a column's value must be beyond its type, by table and column.
NARROWER = {
    ("processing_location", "scc_module"): {"minimum": 1, "maximum": 4},
    ("vocabulary", "code"): {"minLength": 1, "pattern": "^[^A-Z]+$"},
}


def register_export_schema(schema_id: str) -> dict:
    """The schema of the register file, whose `$id` is `schema_id` (where it is served)."""
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": "Register export of the subprocessor registry",
        "description": (
            "The whole register of one installation: vocabularies, our entities, every "
            "subprocessor in any status with its processing locations, and the chain links. "
            "Ids are the exporting installation's; an import matches by natural keys."
        ),
        "type": "object",
        "required": [
            "format",
            "version",
            "exported_at",
            "organisation",
            "vocabularies",
            "entities",
            "subprocessors",
            "chain_links",
        ],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "format": {"const": FORMAT_NAME},
            "version": {"const": VERSION},
            "exported_at": INSTANT,
            "organisation": {"type": "string"},
            "vocabularies": _closed(
                {key: {"type": "array", "items": {"$ref": "#/$defs/term"}} for key in VOCABULARIES}
            ),
            "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}},
            "subprocessors": {"type": "array", "items": {"$ref": "#/$defs/subprocessor"}},
            "chain_links": {"type": "array", "items": {"$ref": "#/$defs/chain_link"}},
        },
        "$defs": {
            "term": _term(),
            "entity": _closed(_columns(Entity.__table__)),
            "subprocessor": _subprocessor(),
            "location": _location(),
            "chain_link": _closed(
                {
                    **_columns(ChainLink.__table__, skipped={"id"}),
                    "parent_id": {"type": "integer"},
                    "child_id": {"type": "integer"},
                }
            ),
        },
    }


def _term() -> dict:
    table = Service.__table__  # every vocabulary has the same columns
    properties = _columns(table, skipped={"id", "translations"}, narrower_as="vocabulary")
    properties["translations"] = {
        "type": "object",
        "description": "The term's name by language code.",
        "additionalProperties": {"type": "string", "maxLength": table.c.name.type.length},
    }
    return _closed(properties)


def _subprocessor() -> dict:
    properties = _columns(Subprocessor.__table__, skipped={"recipient_category_id"})
    properties["recipient_category"] = {"type": "string", "description": "a term's code"}
    for key in TERMS:
        what = "entity names" if key == "engaged_by" else "term codes"
        properties[key] = {"type": "array", "items": {"type": "string"}, "description": what}
    properties["locations"] = {"type": "array", "items": {"$ref": "#/$defs/location"}}
    return _closed(properties)


def _location() -> dict:
    properties = _columns(ProcessingLocation.__table__, skipped={"subprocessor_id"})
    properties["measures"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "codes of the EDPB Recommendations 01/2020 catalogue (/api/v1/measures)",
    }
    return _closed(properties)


def _closed(properties: dict) -> dict:
    """An object with exactly these keys, each required: the export writes every one."""
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def _columns(table: sa.Table, skipped=frozenset(), narrower_as: str | None = None) -> dict:
    return {
        column.name: {
            **_column_schema(column),
            **NARROWER.get((narrower_as or table.name, column.name), {}),
        }
        for column in table.columns
        if column.name not in skipped
    }


def _column_schema(column: sa.Column) -> dict:
    """A column's value as the file holds it (`registry.register.state.plain`)."""
    kind = column.type
    if isinstance(kind, sa.Enum):
        values = list(kind.enums)
        return {"enum": [*values, None] if column.nullable else values}
    if column.name.endswith("country_code"):
        given = dict(COUNTRY)
    elif isinstance(kind, sa.Boolean):
        given = {"type": "boolean"}
    elif isinstance(kind, sa.Integer):
        given = {"type": "integer"}
    elif kind.python_type is date:
        given = dict(DAY)
    elif kind.python_type is datetime:
        given = dict(INSTANT)
    else:
        given = {"type": "string"}
        if getattr(kind, "length", None):
            given["maxLength"] = kind.length
    if column.nullable and not column.primary_key:
        given["type"] = [given["type"], "null"]
    return given
