"""Subscribing to the email notices, and the one-button forms of the emailed links."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, ValidationError
from wtforms.validators import DataRequired

from registry.accounts import LONGEST_EMAIL
from registry.form_fields import CheckboxListField
from registry.form_validators import Length


class SubscribeForm(FlaskForm):
    """Subscribing to the email notices; the view fills the languages and services."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
    language = SelectField(_l("Language of the emails"))
    # Checked by validate_services, not Optional(): that clears the error of a blank value
    # ("services="), which the view would then read as a service's id.
    services = CheckboxListField(
        _l("Only changes touching these services (optional)"),
        description=_l("Choose none to hear of every change."),
        validate_choice=False,
    )

    def validate_services(self, field: CheckboxListField) -> None:
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data):
            raise ValidationError(
                _("Choose services from the list, or none to hear of every change.")
            )


class ButtonForm(FlaskForm):
    """A button that carries the CSRF token and nothing else."""
