"""The form that asks for the link to a customer's own view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, ValidationError
from wtforms.validators import DataRequired

from registry.accounts import LONGEST_EMAIL, AccountError, normalised_email
from registry.form_validators import Length


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
