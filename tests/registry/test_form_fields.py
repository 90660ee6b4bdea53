"""The fields the forms share: the long select keeps its options and renders exactly as WTForms'
own select."""

import pytest
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from registry.form_fields import LongSelect

CHOICES = [SelectChoice("", "—"), SelectChoice("FR", "France"), SelectChoice("IN", "India & <co>")]


class Plain(Form):
    country = SelectField(choices=CHOICES)


class Long(Form):
    country = SelectField(choices=CHOICES, widget=LongSelect())


@pytest.mark.parametrize("chosen", ["", "IN"])
def test_the_long_select_renders_as_wtforms_select_renders(chosen):
    assert Long(data={"country": chosen}).country() == Plain(data={"country": chosen}).country()


def test_the_long_select_marks_only_the_chosen_option_when_its_options_are_kept():
    Long(data={"country": "FR"}).country()
    rendered = Long(data={"country": "IN"}).country()
    assert '<option selected value="IN">' in rendered
    assert '<option value="FR">France</option>' in rendered
