"""Fields the forms share beyond those of WTForms."""

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


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
