"""Why a register file breaks its JSON Schema, in the reader's language.

jsonschema words its errors in English ("'lu' does not match '^[A-Z]{2}$'"), and the preview
shows each refusal in the language of the page. Each keyword the export's schema uses
(`registry/register_file/schema.py`) has a sentence of its own here, built from the error's
parts (the keyword's value, the instance), never from jsonschema's English text; a keyword the
schema may use one day without a sentence here falls back to that text.
"""

import json

from flask_babel import gettext as _
from flask_babel import ngettext
from jsonschema import ValidationError

# How long a quoted value may be in a reason: the file's own text, shortened.
_LONGEST_VALUE = 80


def reason(error: ValidationError) -> str:
    """The sentence for `error`, in the current language."""
    words = _SENTENCES.get(str(error.validator))
    return words(error) if words else error.message


def _value(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > _LONGEST_VALUE:
        text = text[: _LONGEST_VALUE - 1] + "…"
    # The quotation marks of the reader's language.
    return _("“%(value)s”", value=text)


def _type_name(name: str) -> str:
    names = {
        "string": _("text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "object": _("an object"),
        "array": _("a list"),
        "null": _("null"),
    }
    return names.get(name, name)


def _found_type(instance: object) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int):
        return "integer"
    for kind, name in ((float, "number"), (str, "string"), (dict, "object"), (list, "array")):
        if isinstance(instance, kind):
            return name
    return type(instance).__name__


def _type(error: ValidationError) -> str:
    expected = error.validator_value
    expected = [expected] if isinstance(expected, str) else list(expected)
    return _(
        "Expected %(expected)s, found %(found)s.",
        expected=_(" or ").join(_type_name(name) for name in expected),
        found=_type_name(_found_type(error.instance)),
    )


def _required(error: ValidationError) -> str:
    # jsonschema reports each missing property as an error of its own, in the keyword's order;
    # its message begins with the property's repr, which tells which one this error is.
    missing = [name for name in error.validator_value if name not in error.instance]
    name = next((n for n in missing if error.message.startswith(repr(n))), missing[0])
    return _("The property “%(name)s” is missing.", name=name)


def _additional(error: ValidationError) -> str:
    known = error.schema.get("properties", {})
    unexpected = sorted(name for name in error.instance if name not in known)
    return ngettext(
        "The property %(names)s is not one the format knows.",
        "The properties %(names)s are not ones the format knows.",
        len(unexpected),
        names=", ".join(_value(name) for name in unexpected),
    )


def _const(error: ValidationError) -> str:
    return _(
        "%(found)s where the format requires %(value)s.",
        found=_value(error.instance),
        value=_value(error.validator_value),
    )


def _enum(error: ValidationError) -> str:
    return _(
        "%(found)s is not one of: %(values)s.",
        found=_value(error.instance),
        values=", ".join(_value(value) for value in error.validator_value),
    )


def _pattern(error: ValidationError) -> str:
    return _(
        "%(found)s does not have the expected form %(pattern)s.",
        found=_value(error.instance),
        pattern=error.validator_value,
    )


def _max_length(error: ValidationError) -> str:
    return ngettext(
        "%(found)s is longer than %(num)d character.",
        "%(found)s is longer than %(num)d characters.",
        error.validator_value,
        found=_value(error.instance),
    )


def _min_length(error: ValidationError) -> str:
    if error.validator_value == 1:
        return _("The value must not be empty.")
    return ngettext(
        "%(found)s is shorter than %(num)d character.",
        "%(found)s is shorter than %(num)d characters.",
        error.validator_value,
        found=_value(error.instance),
    )


def _maximum(error: ValidationError) -> str:
    return _(
        "%(found)s is more than the greatest value allowed, %(limit)s.",
        found=_value(error.instance),
        limit=error.validator_value,
    )


def _minimum(error: ValidationError) -> str:
    return _(
        "%(found)s is less than the least value allowed, %(limit)s.",
        found=_value(error.instance),
        limit=error.validator_value,
    )


_SENTENCES = {
    "type": _type,
    "required": _required,
    "additionalProperties": _additional,
    "const": _const,
    "enum": _enum,
    "pattern": _pattern,
    "maxLength": _max_length,
    "minLength": _min_length,
    "maximum": _maximum,
    "minimum": _minimum,
}
