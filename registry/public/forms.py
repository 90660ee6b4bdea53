"""The register's filters, read from the query string of the page, the CSV and the API."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired

from registry.accounts import LONGEST_EMAIL
from registry.form_validators import Length
from registry.objections import ObjectionValues
from registry.public.parameters import BadParameter, read_country
from registry.public.records import RegisterFilter

FILTERS = ("country", "category", "service")


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class RegisterFilterForm(FlaskForm):
    """Filters by country, recipient category and service; each is optional.

    `category_codes` and `service_codes` are the codes that exist, so that an unknown one is
    answered with the list of those accepted.
    """

    class Meta:
        csrf = False  # a GET form that changes nothing

    country = StringField(_l("Country of processing"), filters=[_blank_to_none])
    category = StringField(_l("Recipient category"), filters=[_blank_to_none])
    service = StringField(_l("Service"), filters=[_blank_to_none])

    def __init__(self, formdata, category_codes: list[str], service_codes: list[str]) -> None:
        super().__init__(formdata=formdata)
        self.given = formdata
        self.category_codes = category_codes
        self.service_codes = service_codes

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in FILTERS:
            # "?country=DE&country=US" would otherwise filter by the first and ignore the second.
            if len(self.given.getlist(name)) > 1:
                self[name].errors.append(
                    _("Give “%(name)s” only once: this register filters by one value.", name=name)
                )
                valid = False
        return valid

    def validate_country(self, field: StringField) -> None:
        if field.data is None:
            return
        try:
            field.data = read_country(field.data)
        except BadParameter as error:
            raise ValidationError(str(error)) from None

    def validate_category(self, field: StringField) -> None:
        if field.data is not None and field.data not in self.category_codes:
            raise ValidationError(
                _(
                    "“%(value)s” is not a recipient category of this register. "
                    "Choose one of: %(choices)s.",
                    value=field.data,
                    choices=", ".join(self.category_codes),
                )
            )

    def validate_service(self, field: StringField) -> None:
        if field.data is not None and field.data not in self.service_codes:
            raise ValidationError(
                _(
                    "“%(value)s” is not a service of this register. Choose one of: %(choices)s.",
                    value=field.data,
                    choices=", ".join(self.service_codes),
                )
            )

    def register_filter(self) -> RegisterFilter:
        """The validated filter; call after `validate()` returned True."""
        return RegisterFilter(self.country.data, self.category.data, self.service.data)

    def applied(self) -> dict[str, str]:
        """The filters in use, by name, as they go in an address; call after `validate()`."""
        return {name: self[name].data for name in FILTERS if self[name].data}

    def first_error(self) -> str:
        """The first thing wrong with the filters, for answers that carry one message."""
        return next(message for messages in self.errors.values() for message in messages)


class ObjectionForm(FlaskForm):
    """A customer's objection to an announced change."""

    organisation = StringField(
        _l("Organisation (the customer)"), validators=[DataRequired(), Length(max=200)]
    )
    customer_reference = StringField(
        _l("Customer or contract reference"), validators=[DataRequired(), Length(max=100)]
    )
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Length(max=LONGEST_EMAIL)],
        description=_l("We send a link to this address: the objection counts once you confirm."),
    )
    grounds = TextAreaField(
        _l("Grounds for the objection"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("Why the change is not acceptable to you, e.g. the country or the data."),
    )
    # From a notice email's link: proves the subscriber's address, for that notice only.
    subscriber = HiddenField()

    def values(self) -> ObjectionValues:
        return ObjectionValues(
            organisation=self.organisation.data,
            customer_reference=self.customer_reference.data,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            grounds=self.grounds.data,
        )


class ConfirmObjectionForm(FlaskForm):
    """The button that confirms an objection; a link alone changes nothing, since mail
    scanners open links."""


class SubscribeForm(FlaskForm):
    """Subscribing to the email notices; the view fills the languages and services."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
    language = SelectField(_l("Language of the emails"))
    # Checked by validate_services, not Optional(): that clears the error of a blank value
    # ("services="), which the view would then read as a service's id.
    services = SelectMultipleField(
        _l("Only changes touching these services (optional)"),
        description=_l("Choose none to hear of every change."),
        validate_choice=False,
    )

    def validate_services(self, field: SelectMultipleField) -> None:
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data):
            raise ValidationError(
                _("Choose services from the list, or none to hear of every change.")
            )


class ButtonForm(FlaskForm):
    """A button that carries the CSRF token and nothing else."""
