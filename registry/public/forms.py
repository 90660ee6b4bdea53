"""The register's filters, read from the query string of the page, the CSV and the API."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
    ValidationError,
)

from registry.public.parameters import BadParameter, read_country, read_page, read_past_day
from registry.register.records import RegisterFilter

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
    # The register as in effect at the end of that day, from its recorded history.
    on = StringField(_l("As in effect on"), filters=[_blank_to_none])

    def __init__(self, formdata, category_codes: list[str], service_codes: list[str]) -> None:
        super().__init__(formdata=formdata)
        self.given = formdata
        self.category_codes = category_codes
        self.service_codes = service_codes

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in (*FILTERS, "on"):
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

    def validate_on(self, field: StringField) -> None:
        if field.data is None:
            return
        try:
            field.data = read_past_day(field.data)
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
        applied = {name: self[name].data for name in FILTERS if self[name].data}
        if self.on.data:
            applied["on"] = self.on.data.isoformat()
        return applied

    def first_error(self) -> str:
        """The first thing wrong with the filters, for answers that carry one message."""
        return next(message for messages in self.errors.values() for message in messages)


class RegisterPageForm(RegisterFilterForm):
    """The filters of the register's page, and which of its pages (`page`, from 1) to show;
    the CSV and the API list every row and take no page."""

    page = StringField(_l("Page"), filters=[_blank_to_none])

    def validate_page(self, field: StringField) -> None:
        try:
            field.data = read_page(self.given)
        except BadParameter as error:
            raise ValidationError(str(error)) from None
