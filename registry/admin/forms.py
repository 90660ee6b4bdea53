"""The admin area's forms: each parses and validates one use case."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.accounts import MINIMUM_PASSWORD_LENGTH
from registry.models.accounts import Role


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class NewUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.VIEWER.value, _l("Viewer: reads")),
            SelectChoice(Role.EDITOR.value, _l("Editor: also edits drafts")),
            SelectChoice(Role.ADMIN.value, _l("Admin: also announces and manages users")),
        ],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MINIMUM_PASSWORD_LENGTH, max=1024)]
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: it carries the CSRF token and nothing else."""


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    action = StringField(_l("Action"), validators=[Length(max=64)])
    actor = StringField(_l("Actor"), validators=[Length(max=254)])


class AnnounceForm(FlaskForm):
    window_days = IntegerField(
        _l("Notice window in days"), validators=[Optional(), NumberRange(min=1, max=365)]
    )
    emergency_reason = TextAreaField(
        _l("Reason for a shorter window (published)"), validators=[Length(max=2000)]
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the change is withdrawn (published)"), validators=[DataRequired(), Length(max=2000)]
    )
