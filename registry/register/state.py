"""The register as a language-neutral, canonical document: the facts, never their verdicts.

A document says, for each subprocessor, its fact columns, the codes of its purposes, services,
data and data subject categories, the names of the entities of ours engaging it, its locations
(every column of `ProcessingLocation`, with the codes of its measures), and the chain links
between the subprocessors in it; and our entities. Codes, not labels (labels are translations
of today); days as ISO text; ids as stored, so that a location's assessments and a notice's
subject can be found again. No verdict: a verdict depends on the day it is judged, and is the
team's reading of the facts, not a fact.

The signed snapshots (`registry.history.snapshots`) keep `register_state(Scope.PUBLISHED)`; a
whole-register export keeps `register_state(Scope.EVERY)`. `subprocessor_documents` is the
serialisation of subprocessors on its own, and `subprocessor_row` / `location_row` read one
back as the record builder (`registry.register.records`) reads a database row.

Every table is read with one statement whatever the number of subprocessors.
"""

import enum
import hashlib
import json
from datetime import date, datetime
from types import SimpleNamespace

import sqlalchemy as sa

from registry.clock import utc_text
from registry.extensions import db
from registry.models import (
    ChainLink,
    DataCategory,
    DataSubjectCategory,
    Entity,
    LocationMeasure,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.register import (
    subprocessor_data_category,
    subprocessor_data_subject_category,
    subprocessor_entity,
    subprocessor_purpose,
    subprocessor_service,
)

# The version of the document's shape; a reader of an older snapshot checks it.
FORMAT = 1


class Scope(enum.StrEnum):
    """Which subprocessors a document holds."""

    # What the public register shows: the active subprocessors, those we engage and those down
    # their chains, with the links between them.
    PUBLISHED = "published"
    # Every subprocessor in any status (drafts, announced, retired), with every link.
    EVERY = "every"


# The subprocessor's columns a document leaves out or gives otherwise: the recipient category
# is given by its code.
_SUBPROCESSOR_SKIPPED = ("id", "recipient_category_id")
_LOCATION_SKIPPED = ("subprocessor_id",)

# Each list of terms a subprocessor document holds: its key, the link table, the term table
# and the column of the term a document gives (its code; an entity's name).
TERMS = {
    "purposes": (subprocessor_purpose, Purpose, Purpose.code),
    "services": (subprocessor_service, Service, Service.code),
    "data_categories": (subprocessor_data_category, DataCategory, DataCategory.code),
    "data_subject_categories": (
        subprocessor_data_subject_category,
        DataSubjectCategory,
        DataSubjectCategory.code,
    ),
    "engaged_by": (subprocessor_entity, Entity, Entity.name),
}


def register_state(scope: Scope = Scope.PUBLISHED) -> dict:
    """The register as a document: `{"format", "scope", "entities", "subprocessors",
    "chain_links"}`, each list in the order of its ids, ready for `canonical_bytes`."""
    chosen = sa.select(Subprocessor.id)
    if scope is Scope.PUBLISHED:
        chosen = chosen.where(Subprocessor.status == SubprocessorStatus.ACTIVE)
    return {
        "format": FORMAT,
        "scope": scope.value,
        "entities": entity_documents(),
        "subprocessors": subprocessor_documents(chosen),
        "chain_links": chain_link_documents(chosen),
    }


def subprocessor_documents(chosen: sa.Select) -> list[dict]:
    """Each subprocessor whose id `chosen` (a select of ids) gives, in the order of their ids:

    `{"id", <every fact column of Subprocessor by its name>, "recipient_category": code,
    "purposes": [codes], "services": [codes], "data_categories": [codes],
    "data_subject_categories": [codes], "engaged_by": [entity names],
    "locations": [{"id", <every column of ProcessingLocation>, "measures": [codes]}]}`

    Lists of codes are sorted; locations are in the order of their ids. Seven statements.
    """
    columns = [
        column
        for column in Subprocessor.__table__.columns
        if column.name not in _SUBPROCESSOR_SKIPPED
    ]
    rows = db.session.execute(
        sa.select(Subprocessor.id, RecipientCategory.code, *columns)
        .join(RecipientCategory, RecipientCategory.id == Subprocessor.recipient_category_id)
        .where(Subprocessor.id.in_(chosen))
        .order_by(Subprocessor.id)
    )
    names = [column.name for column in columns]
    documents = {}
    for subprocessor_id, category, *values in rows:
        documents[subprocessor_id] = {
            "id": subprocessor_id,
            "recipient_category": category,
            **dict(zip(names, map(plain, values), strict=True)),
            **{key: [] for key in TERMS},
            "locations": [],
        }
    for key, (link, term, given) in TERMS.items():
        target = link.c[f"{term.__tablename__}_id"]
        pairs = db.session.execute(
            sa.select(link.c.subprocessor_id, given)
            .join(term, term.id == target)
            .where(link.c.subprocessor_id.in_(chosen))
            .order_by(link.c.subprocessor_id, given)
        )
        for subprocessor_id, value in pairs:
            documents[subprocessor_id][key].append(value)
    for location in _location_documents(chosen):
        documents[location.pop("subprocessor_id")]["locations"].append(location)
    return list(documents.values())


def _location_documents(chosen: sa.Select) -> list[dict]:
    columns = list(ProcessingLocation.__table__.columns)
    rows = db.session.execute(
        sa.select(*columns)
        .where(ProcessingLocation.subprocessor_id.in_(chosen))
        .order_by(ProcessingLocation.id)
    )
    measures: dict[int, list[str]] = {}
    for location_id, code in db.session.execute(
        sa.select(LocationMeasure.location_id, LocationMeasure.code)
        .join(ProcessingLocation, ProcessingLocation.id == LocationMeasure.location_id)
        .where(ProcessingLocation.subprocessor_id.in_(chosen))
        .order_by(LocationMeasure.location_id, LocationMeasure.code)
    ):
        measures.setdefault(location_id, []).append(code)
    names = [column.name for column in columns]
    located = [dict(zip(names, map(plain, row), strict=True)) for row in rows]
    for location in located:
        location["measures"] = measures.get(location["id"], [])
    return located


def entity_documents() -> list[dict]:
    """Our own entities, each with every column, in the order of their ids."""
    columns = list(Entity.__table__.columns)
    rows = db.session.execute(sa.select(*columns).order_by(Entity.id))
    names = [column.name for column in columns]
    return [dict(zip(names, map(plain, row), strict=True)) for row in rows]


def chain_link_documents(chosen: sa.Select) -> list[dict]:
    """The chain links between subprocessors `chosen` gives: `{"parent_id", "child_id",
    "activity"}`, by parent, then child."""
    # Joined, not two IN lists: SQLite would walk the pairs of both lists through the key of
    # (parent, child), ten thousand squared for a register of ten thousand.
    parents, children = chosen.subquery(), chosen.subquery()
    rows = db.session.execute(
        sa.select(ChainLink.parent_id, ChainLink.child_id, ChainLink.activity)
        .join(parents, parents.c[0] == ChainLink.parent_id)
        .join(children, children.c[0] == ChainLink.child_id)
        .order_by(ChainLink.parent_id, ChainLink.child_id)
    )
    return [
        {"parent_id": parent, "child_id": child, "activity": activity}
        for parent, child, activity in rows
    ]


_AS_IS = (str, int, bool, type(None))


def plain(value):
    """A column's value as JSON gives it: an enum by its value, a day or an instant as ISO
    text (an instant in UTC with a Z), anything else as it is."""
    if type(value) in _AS_IS:  # most values: the exact type, not an enum's subclass of str
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _reader(column: sa.Column):
    """How a document's value of `column` is read back: None for a value kept as it is."""
    kind = column.type.python_type
    if issubclass(kind, enum.Enum):
        return kind
    if kind is date:
        return date.fromisoformat
    if kind is datetime:
        return lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))
    return None


def _readers(table: sa.Table, skipped: tuple[str, ...]) -> tuple[tuple[str, object], ...]:
    found = ((column.name, _reader(column)) for column in table.columns)
    return tuple((name, read) for name, read in found if read and name not in skipped)


_SUBPROCESSOR_READERS = _readers(Subprocessor.__table__, _SUBPROCESSOR_SKIPPED)
_LOCATION_READERS = _readers(ProcessingLocation.__table__, _LOCATION_SKIPPED)


def _row(document: dict, readers: tuple) -> SimpleNamespace:
    row = SimpleNamespace(**document)
    for name, read in readers:
        value = document.get(name)
        setattr(row, name, None if value is None else read(value))
    return row


def subprocessor_row(document: dict) -> SimpleNamespace:
    """A subprocessor document read back as a database row of its columns reads: attributes
    by column name, enums and dates typed; its lists stay as the document has them."""
    return _row(document, _SUBPROCESSOR_READERS)


def location_row(document: dict) -> SimpleNamespace:
    """A location document read back as a row of `processing_location` reads."""
    return _row(document, _LOCATION_READERS)


def canonical_bytes(document: dict) -> bytes:
    """The one byte sequence of a document that is signed and hashed: keys sorted, no
    whitespace, UTF-8 as it is."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_of(canonical: bytes) -> str:
    """The SHA-256 of canonical bytes, in hex."""
    return hashlib.sha256(canonical).hexdigest()
