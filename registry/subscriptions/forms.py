"""Subscribing to the email notices, and the one-button forms of the emailed links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Optional

from registry.accounts import LONGEST_EMAIL
from registry.form_fields import CheckboxListField
from registry.form_validators import Length


class SubscribeForm(FlaskForm):
    """Subscribing to the email notices; the view fills the languages and services."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
    language = SelectField(_l("Language of the emails"))
    services = CheckboxListField(
        _l("Only changes touching these services (optional)"),
        validators=[Optional()],
        description=_l("Choose none to hear of every change."),
    )


class ButtonForm(FlaskForm):
    """A button that carries the CSRF token and nothing else."""
