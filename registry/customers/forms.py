"""The forms about customers: the admin area's (each only parses and validates; the views fill
the choices, entities, services and languages, and hand the data to `registry.customers`), and
the public form that asks for the link to a customer's own view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    URLField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from registry import labels
from registry.accounts import LONGEST_EMAIL, AccountError, normalised_email
from registry.customers import LONGEST_NOTICE_DAYS
from registry.customers.sheets import MOST_ROWS
from registry.form_fields import CheckboxListField
from registry.form_validators import Length, SingleLine
from registry.models import Authorisation, WebhookFormat


class CustomerForm(FlaskForm):
    """A customer's contract as recorded; its contacts are added one by one."""

    organisation = StringField(
        _l("Organisation"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    reference = StringField(
        _l("Reference"),
        validators=[DataRequired(), Length(max=100), SingleLine()],
        description=_l(
            "The customer's reference in our contracts, which it gives when it objects."
        ),
    )
    entity = SelectField(_l("Our entity it contracts with"), validators=[DataRequired()])
    services = CheckboxListField(_l("Services it uses"), validators=[DataRequired()])
    authorisation = SelectField(
        _l("Authorisation in its data processing addendum"),
        choices=[
            SelectChoice(member.value, labels.AUTHORISATIONS[member]) for member in Authorisation
        ],
        description=_l(
            "General: informed of every intended change, with the right to object (GDPR Art. "
            "28(2)). Specific: each new subprocessor needs its prior written approval."
        ),
    )
    notice_days = IntegerField(
        _l("Notice period in days"),
        validators=[DataRequired(), NumberRange(min=1, max=LONGEST_NOTICE_DAYS)],
        description=_l("Days between a notice and the deadline for objections."),
    )
    shorter_notice_allowed = BooleanField(
        _l("The contract allows a shorter notice"),
        description=_l("For an urgent replacement, as far as the contract says."),
    )
    shortest_notice_days = IntegerField(
        _l("Shortest notice in days"),
        validators=[Optional(), NumberRange(min=1, max=LONGEST_NOTICE_DAYS)],
        description=_l("Required when the contract allows a shorter notice."),
    )
    language = SelectField(_l("Language of the emails to its contacts"))
    dpa_version = StringField(
        _l("Version of the data processing addendum"),
        validators=[Optional(), Length(max=40), SingleLine()],
    )
    dpa_signed_on = DateField(_l("Addendum signed on"), validators=[Optional()])
    contract_ended_on = DateField(
        _l("Contract ended on"),
        validators=[Optional()],
        description=_l("Once set, no more notices go to the customer."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        shortest = self.shortest_notice_days
        if self.shorter_notice_allowed.data and shortest.data is None and not shortest.errors:
            shortest.errors.append(
                _l("Give the shortest notice in days, or untick the box above it.")
            )
            return False
        return valid


class ContactForm(FlaskForm):
    """A person at the customer who receives its notices."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
    role = StringField(
        _l("Role"),
        validators=[Optional(), Length(max=100), SingleLine()],
        description=_l("For example: data protection officer."),
    )


class EraseContactForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that the erasure cannot be undone"), validators=[DataRequired()]
    )


class CustomerFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("Organisation, reference or entity"), validators=[Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".csv,.xlsx"},
        description=_l(
            "The columns of the templates, with their header row; at most %(count)d rows.",
            count=MOST_ROWS,
        ),
    )


class ViewLinkForm(FlaskForm):
    """An address: each registered contact with it is emailed the link."""

    email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Length(max=LONGEST_EMAIL)],
        description=_l("The address at which your organisation registered you as a contact."),
    )

    def validate_email(self, field: EmailField) -> None:
        # Its syntax only: whether anyone registered it is never said.
        try:
            normalised_email(field.data)
        except AccountError as error:
            raise ValidationError(str(error)) from None


class WebhookForm(FlaskForm):
    """A webhook endpoint to register: its address, what it is sent, and a note."""

    url = URLField(
        _l("Address"),
        validators=[DataRequired(), Length(max=2048), SingleLine()],
        description=_l("An https:// address on the internet that accepts a POST of JSON."),
    )
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice(member.value, labels.WEBHOOK_FORMATS[member]) for member in WebhookFormat
        ],
    )
    description = StringField(
        _l("Description (optional)"), validators=[Optional(), Length(max=200), SingleLine()]
    )
