"""Fields the forms share beyond those of WTForms."""

from functools import lru_cache

from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import Choice
from wtforms.widgets import CheckboxInput, ListWidget, Select

# Options kept by LongSelect: every country in three languages, chosen or not, and room to spare.
KEPT_OPTIONS = 4096


class CheckboxListField(SelectMultipleField):
    """A choice of several, shown as a list of checkboxes rather than a multiple select, which
    needs Ctrl-click and is hard to use on a phone. It posts the same name and values.

    Each box is a choice of its own, so none is `required`: a DataRequired on the field asks for
    one box of the list, not for every box (`_field.html` shows the list in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        for option in super().__iter__():
            option.flags.required = False
            yield option


class LongSelect(Select):
    """A select of many options (every country, some 250): each option's markup is made once
    and kept, as WTForms' Select would make it, so a page with several such lists (the admin's
    subprocessor page has four) does not escape a thousand options on every request."""

    @classmethod
    def render_option(cls, choice: Choice, **kwargs) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        return _option(str(choice.value), str(choice.label or choice.value), choice.selected)


@lru_cache(maxsize=KEPT_OPTIONS)
def _option(value: str, label: str, selected: bool) -> Markup:
    return Select.render_option(Choice(value, label, selected, None))
