"""The form that asks for the link to a customer's own view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from registry.accounts import LONGEST_EMAIL
from registry.form_validators import Length


class ViewLinkForm(FlaskForm):
    """An address: each registered contact with it is emailed the link."""

    email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Length(max=LONGEST_EMAIL)],
        description=_l("The address at which your organisation registered you as a contact."),
    )
