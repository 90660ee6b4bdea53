"""The admin's forms about the processing chain: a company a subprocessor engages, and the
clause of our contract that flows our obligations down to such companies."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from registry.form_validators import Length, SingleLine
from registry.i18n import current_language
from registry.models import RecipientCategory
from registry.register import filling


class ChainMemberForm(FlaskForm):
    """A company the subprocessor engages; the view fills the choices."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    legal_name = StringField(
        _l("Legal name"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=500), SingleLine()])
    country = SelectField(_l("Country of establishment"), validators=[DataRequired()])
    contact = StringField(
        _l("Contact person or function"),
        validators=[DataRequired(), Length(max=200), SingleLine()],
    )
    activity = StringField(
        _l("What it does for the subprocessor that engages it"),
        validators=[DataRequired(), Length(max=500), SingleLine()],
    )
    recipient_category = SelectField(_l("Recipient category"), validators=[DataRequired()])


class FlowDownForm(FlaskForm):
    """Where our contract imposes our obligations on the companies a subprocessor engages."""

    clause = StringField(
        _l("Clause that flows our obligations down (GDPR Art. 28(4))"),
        validators=[DataRequired(), Length(max=200), SingleLine()],
    )
    signed_on = DateField(_l("Contract signed on"), validators=[Optional()])


def member_form(**options) -> ChainMemberForm:
    """The form with its choices: every country, every recipient category."""
    form = ChainMemberForm(prefix="chain", **options)
    language = current_language()
    form.country.choices = [filling.NOT_CHOSEN, *filling.countries(language)]
    form.recipient_category.choices = filling.terms(RecipientCategory, language)
    return form
