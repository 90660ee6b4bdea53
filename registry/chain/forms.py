"""The admin's forms about the processing chain: a company a subprocessor engages, the
clause of our contract that flows our obligations down to such companies, where the
subprocessor publishes its own list of them, and an editor's decision on a review of that list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from registry.chain import ChainMember
from registry.form_fields import LongSelect
from registry.form_validators import Length, SingleLine
from registry.i18n import current_language
from registry.models import ListFormat, RecipientCategory, ReviewState
from registry.register import filling


class ChainMemberForm(FlaskForm):
    """A company the subprocessor engages; the view fills the choices."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    legal_name = StringField(
        _l("Legal name"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=500), SingleLine()])
    country = SelectField(
        _l("Country of establishment"), validators=[DataRequired()], widget=LongSelect()
    )
    contact = StringField(
        _l("Contact person or function"),
        validators=[DataRequired(), Length(max=200), SingleLine()],
    )
    activity = StringField(
        _l("What it does for the subprocessor that engages it"),
        validators=[DataRequired(), Length(max=500), SingleLine()],
    )
    recipient_category = SelectField(_l("Recipient category"), validators=[DataRequired()])

    def values(self) -> ChainMember:
        """The company as the chain's service takes it."""
        return ChainMember(
            name=self.name.data,
            legal_name=self.legal_name.data,
            address=self.address.data,
            country=self.country.data,
            contact=self.contact.data,
            activity=self.activity.data,
            recipient_category_id=int(self.recipient_category.data),
        )


class FlowDownForm(FlaskForm):
    """Where our contract imposes our obligations on the companies a subprocessor engages."""

    clause = StringField(
        _l("Clause that flows our obligations down (GDPR Art. 28(4))"),
        validators=[DataRequired(), Length(max=200), SingleLine()],
    )
    signed_on = DateField(_l("Contract signed on"), validators=[Optional()])


class SourceForm(FlaskForm):
    """Where a direct subprocessor publishes its own list, and which column holds what."""

    url = StringField(
        _l("Address of the list"),
        validators=[Length(max=2000), SingleLine()],
        description=_l("An https:// or http:// address; or send the file below instead."),
    )
    file = FileField(
        _l("Or the file its vendor sent"),
        render_kw={"accept": ".csv,.json,.html,.htm"},
        description=_l("At most 2 MiB; it replaces the address."),
    )
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice(ListFormat.CSV.value, "CSV"),
            SelectChoice(ListFormat.JSON.value, "JSON"),
            SelectChoice(ListFormat.HTML.value, _l("A table in a web page (HTML)")),
        ],
        validators=[DataRequired()],
    )
    name = StringField(
        _l("Column or key of the company's name"),
        validators=[Length(max=200), SingleLine()],
        description=_l("Its header as the list writes it; empty: “name”."),
    )
    legal_name = StringField(
        _l("Column or key of the legal name"),
        validators=[Length(max=200), SingleLine()],
        description=_l("Empty: “legal_name”."),
    )
    country = StringField(
        _l("Column or key of the country"),
        validators=[Length(max=200), SingleLine()],
        description=_l("Empty: “country”."),
    )
    activity = StringField(
        _l("Column or key of what the company does"),
        validators=[Length(max=200), SingleLine()],
        description=_l("Empty: “activity”."),
    )


class CloseReviewForm(FlaskForm):
    """An editor's decision on a review of a subprocessor's list."""

    state = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice(
                ReviewState.REVIEWED.value, _l("Reviewed: drafted or announced as needed")
            ),
            SelectChoice(ReviewState.DISMISSED.value, _l("Dismissed: nothing to change")),
        ],
        validators=[DataRequired()],
    )
    note = StringField(_l("Note"), validators=[Length(max=500), SingleLine()])


def source_form(source=None, **options) -> SourceForm:
    """The form, filled with the source's address, format and mapping where there is one."""
    if source is not None and "formdata" in options and options["formdata"] is None:
        options["data"] = {"url": source.url, "format": source.format.value, **source.mapping}
    return SourceForm(prefix="source", **options)


def member_form(prefix: str = "chain", **options) -> ChainMemberForm:
    """The form with its choices: every country, every recipient category."""
    form = ChainMemberForm(prefix=prefix, **options)
    language = current_language()
    form.country.choices = [filling.NOT_CHOSEN, *filling.countries(language)]
    form.recipient_category.choices = filling.terms(RecipientCategory, language)
    return form
