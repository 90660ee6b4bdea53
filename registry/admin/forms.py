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
from wtforms.validators import DataRequired, NumberRange, Optional

from registry import labels
from registry.accounts import LONGEST_EMAIL, MINIMUM_PASSWORD_LENGTH
from registry.form_fields import CheckboxListField
from registry.form_validators import Length, SingleLine
from registry.models import ObjectionOutcome, ObjectionState
from registry.models.accounts import Role


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class NewUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=LONGEST_EMAIL)])
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


class SendBackForm(FlaskForm):
    """A reviewer returning an assessment to its author, saying what to change."""

    comment = TextAreaField(_l("What should change"), [DataRequired(), Length(max=5000)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    action = StringField(_l("Action"), validators=[Length(max=64)])
    actor = StringField(_l("Actor"), validators=[Length(max=LONGEST_EMAIL)])


class AnnounceForm(FlaskForm):
    window_days = IntegerField(
        _l("Notice window in days"), validators=[Optional(), NumberRange(min=1, max=365)]
    )
    # For a replacement only; the view offers the active subprocessors.
    replaces = SelectField(_l("Replaces"), validators=[Optional()], validate_choice=False)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the change is withdrawn (published)"), validators=[DataRequired(), Length(max=2000)]
    )


class MoveLaterForm(FlaskForm):
    """More time for everyone: every deadline and the day the change takes effect move later."""

    days = IntegerField(_l("Days later"), validators=[DataRequired(), NumberRange(min=1, max=365)])
    reason = TextAreaField(
        _l("Why the dates move (on the audit trail)"),
        validators=[DataRequired(), Length(max=2000)],
    )


class WrittenApprovalForm(FlaskForm):
    """A customer with specific authorisation approved in writing, outside the registry."""

    evidence = StringField(
        _l("Where the signed approval is filed"),
        validators=[DataRequired(), Length(max=500), SingleLine()],
    )


class TriageForm(FlaskForm):
    """The legal team's next step on a confirmed objection."""

    state = SelectField(
        _l("New state"),
        choices=[
            SelectChoice(ObjectionState.IN_DISCUSSION.value, _l("In discussion")),
            SelectChoice(ObjectionState.RESOLVED.value, _l("Resolved")),
        ],
    )
    outcome = SelectField(
        _l("Outcome (when resolved)"),
        choices=[
            SelectChoice("", _l("None yet")),
            *(
                SelectChoice(outcome.value, labels.OBJECTION_OUTCOMES[outcome])
                for outcome in (
                    ObjectionOutcome.DATA_EXCLUDED,
                    ObjectionOutcome.OBJECTION_WITHDRAWN,
                    ObjectionOutcome.CONTRACT_ENDED_BY_US,
                    ObjectionOutcome.CONTRACT_ENDED,
                    ObjectionOutcome.REJECTED,
                )
            ),
        ],
        description=_l(
            "A change withdrawn resolves its objections itself: withdraw it from its page."
        ),
    )
    reason = TextAreaField(
        _l("Reason told to the objector with the outcome (required for a rejection)"),
        validators=[Length(max=10000)],
    )
    note = TextAreaField(
        _l("Note (for the legal team; not shown to the objector)"),
        validators=[Length(max=10000)],
    )


class NewPurposeForm(AnnounceForm):
    """New purposes or data categories for an engaged subprocessor; the view fills the choices
    with the terms it does not hold yet (by code)."""

    purposes = CheckboxListField(_l("New purposes"), validators=[Optional()])
    data_categories = CheckboxListField(_l("New data categories"), validators=[Optional()])


class EditorialForm(FlaskForm):
    """A wording fix to an engaged subprocessor's entry, published at once."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    legal_name = StringField(
        _l("Legal name"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=500), SingleLine()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500), SingleLine()])
    reason = TextAreaField(
        _l("Why this changes nothing of substance (published)"),
        validators=[DataRequired(), Length(max=2000)],
    )
