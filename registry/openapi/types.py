"""Small builders of JSON Schema (2020-12, as OpenAPI 3.1 uses it) for the component schemas."""

import enum


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """`schema` or null: a type list where the schema has a type, else anyOf (3.1 has no
    `nullable`)."""
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    kinds = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": kinds, **extra}


def text(description: str | None = None, **keywords) -> dict:
    return {"type": "string", **keywords, **({"description": description} if description else {})}


def day(description: str | None = None) -> dict:
    return text(description, format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")


def asked_day(description: str | None = None) -> dict:
    """A day a request gives: the registry reads days from 2000-01-01 on
    (`registry.public.parameters.FIRST_DAY`)."""
    return text(description, format="date", pattern=r"^[2-9]\d{3}-\d{2}-\d{2}$")


def instant(description: str | None = None) -> dict:
    return text(description, format="date-time")


def boolean(description: str | None = None) -> dict:
    return {"type": "boolean", **({"description": description} if description else {})}


def integer(description: str | None = None, **keywords) -> dict:
    return {"type": "integer", **keywords, **({"description": description} if description else {})}


def array(items: dict, description: str | None = None, **keywords) -> dict:
    return {
        "type": "array",
        "items": items,
        **keywords,
        **({"description": description} if description else {}),
    }


def values_of(members: type[enum.Enum] | list, description: str | None = None) -> dict:
    """One of an enum's values (or of a list of codes), in the enum's order: the document
    follows the code, never a copy of its lists."""
    values = [member.value if isinstance(member, enum.Enum) else member for member in members]
    kind = "integer" if all(isinstance(value, int) for value in values) else "string"
    return {"type": kind, "enum": values, **({"description": description} if description else {})}


def record(properties: dict, optional: tuple[str, ...] = (), description: str | None = None):
    """An object whose every property is required but those named `optional`."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
        **({"description": description} if description else {}),
    }


def country(description: str = "ISO 3166-1 alpha-2 code") -> dict:
    return text(description, pattern="^[A-Z]{2}$")
