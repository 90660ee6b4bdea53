"""Validators the forms share beyond those of WTForms."""

from flask_babel import lazy_gettext as _l
from wtforms import validators
from wtforms.validators import ValidationError

from registry.single_line import has_line_breaks


class Length(validators.Length):
    """WTForms' Length, which also keeps only what the field allows of a value that is too long:
    a megabyte pasted into a field is refused without being sent back in the page."""

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except ValidationError:
            if self.max != -1 and isinstance(field.data, str) and len(field.data) > self.max:
                field.data = field.data[: self.max]
            raise


class SingleLine:
    """Refuses control characters (line breaks, tabs, NUL) and line separators in a value written
    on one line: a name in an email's Subject or a feed's title, where a line break cannot go, and
    every other one-line field (an input shows no line break, and a CSV cell or an email's text
    would carry it on)."""

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and has_line_breaks(field.data):
            raise ValidationError(
                _l(
                    "Write this on one line: line breaks, tabs and other control characters "
                    "cannot go in this field."
                )
            )
