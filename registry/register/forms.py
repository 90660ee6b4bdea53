"""The admin area's forms for the register: a subprocessor's entry, what it is as an importer,
and a processing location with its transfer ground. Each only parses and validates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from registry.form_fields import CheckboxListField, LongSelect
from registry.form_validators import Length, SingleLine
from registry.register.facts import IMPORTER_COLUMNS


class ImporterForm(FlaskForm):
    """What a subprocessor is as an importer, facts checked on a day; the view fills the scope's
    choices. Recorded on any subprocessor: they change without changing the processing."""

    dpf_certified = BooleanField(
        _l("Listed on the Data Privacy Framework List"),
        description=_l(
            "Active on the list kept by the US Department of Commerce "
            "(dataprivacyframework.gov). A listing counts only with the day it was checked."
        ),
    )
    dpf_listed_name = StringField(
        _l("Name as listed"),
        validators=[Optional(), Length(max=200), SingleLine()],
        description=_l("The organisation's name exactly as the DPF List shows it."),
    )
    dpf_scope = SelectField(
        _l("Data the certification covers"),
        default="",
        description=_l("As the DPF List says: HR data, non-HR data, or both."),
    )
    dpf_verified_on = DateField(
        _l("DPF List last checked on"),
        validators=[Optional()],
        description=_l("A check older than twelve months no longer carries the transfer."),
    )
    dpf_recertification_due = DateField(
        _l("Next DPF recertification due"),
        validators=[Optional()],
        description=_l("The annual recertification date shown on the DPF List."),
    )
    subject_to_pipeda = BooleanField(_l("Subject to PIPEDA (Canada)"))
    subject_to_gdpr_art_3_2 = BooleanField(
        _l("Its processing is subject to the GDPR under Art. 3(2)"),
        description=_l(
            "It offers goods or services to, or monitors, people in the Union. The 2021 SCCs "
            "are not meant for such an importer."
        ),
    )
    hr_data = BooleanField(
        _l("The data include human resources data"),
        description=_l(
            "Data about employees collected in the context of employment "
            "(DPF Supplemental Principle 9)."
        ),
    )


class DraftSubprocessorForm(ImporterForm):
    """A new subprocessor; the view fills the choices from the vocabularies and entities."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    legal_name = StringField(
        _l("Legal name"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=500), SingleLine()])
    country = SelectField(_l("Country of establishment"), widget=LongSelect())
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500), SingleLine()])
    recipient_category = SelectField(_l("Recipient category"))
    purposes = CheckboxListField(_l("Purposes"), validators=[DataRequired()])
    services = CheckboxListField(_l("Services"), validators=[DataRequired()])
    data_categories = CheckboxListField(_l("Data categories"), validators=[DataRequired()])
    data_subject_categories = CheckboxListField(_l("Data subjects"), validators=[DataRequired()])
    entities = CheckboxListField(_l("Engaged by"), validators=[DataRequired()])


# The subprocessor's importer facts, in the order the forms show them.
IMPORTER_FIELDS = IMPORTER_COLUMNS


class GroundFactsForm(FlaskForm):
    """The recorded details of a transfer ground beyond its tool, decision and module, and the
    recipient's protection; the view fills the choices. Each detail goes with its tool only."""

    scc_decision = SelectField(
        _l("SCCs of which decision"),
        default="",
        description=_l("Leave empty for the clauses of Implementing Decision (EU) 2021/914."),
    )
    scc_signed_on = DateField(_l("SCCs signed on"), validators=[Optional()])
    bcr_group = StringField(
        _l("BCRs: the group whose rules they are"),
        validators=[Optional(), Length(max=200), SingleLine()],
    )
    bcr_kind = SelectField(_l("BCRs: for controllers or for processors"), default="")
    bcr_lead_authority = StringField(
        _l("BCRs: the lead supervisory authority that approved them"),
        validators=[Optional(), Length(max=200), SingleLine()],
    )
    bcr_approved_on = DateField(_l("BCRs approved on"), validators=[Optional()])
    bcr_importer_bound = SelectField(
        _l("BCRs: is the importer bound by them?"),
        default="",
        description=_l("Art. 47(1)(a) GDPR: binding on every member of the group concerned."),
    )
    derogation = SelectField(_l("Derogation relied on (Art. 49 GDPR)"), default="")
    derogation_justification = TextAreaField(
        _l("Why the derogation applies"), validators=[Length(max=5000)]
    )
    derogation_occasional = BooleanField(
        _l("The transfer is occasional"),
        description=_l(
            "Derogations are for occasional transfers only (recital 111 GDPR); unless marked "
            "occasional, with the reason, a location is taken as systematic processing."
        ),
    )
    derogation_occasional_reason = TextAreaField(
        _l("Why the transfer is occasional"), validators=[Length(max=5000)]
    )
    authority_informed_on = DateField(
        _l("Supervisory authority informed on"),
        validators=[Optional()],
        description=_l("For compelling legitimate interests (Art. 49(1) second subparagraph)."),
    )
    data_subjects_informed_on = DateField(
        _l("Data subjects informed on"),
        validators=[Optional()],
        description=_l("For compelling legitimate interests (Art. 49(1) second subparagraph)."),
    )
    recipient_protection = TextAreaField(
        _l("The recipient's special legal protection"),
        validators=[Length(max=5000)],
        description=_l(
            "For example a professional secrecy the law protects from access by authorities "
            "(EDPB Recommendations 01/2020, Use Case 4)."
        ),
    )


class LocationForm(GroundFactsForm):
    """A processing location and its transfer ground; the view fills the choices."""

    # No country is chosen for the editor: the first of the list is not a default.
    country = SelectField(_l("Country"), validators=[DataRequired()], widget=LongSelect())
    role = SelectField(_l("What happens there"))
    city = StringField(_l("City"), validators=[Optional(), Length(max=200), SingleLine()])
    transfer_tool = SelectField(_l("Transfer ground (outside the EEA)"))
    adequacy_decision = SelectField(_l("Adequacy decision relied on"))
    scc_module = SelectField(_l("SCC module"))
    measures = CheckboxListField(_l("Supplementary measures"))


# The ground facts form's fields, in the order the pages show them.
GROUND_FACT_FIELDS = (
    "scc_decision",
    "scc_signed_on",
    "bcr_group",
    "bcr_kind",
    "bcr_lead_authority",
    "bcr_approved_on",
    "bcr_importer_bound",
    "derogation",
    "derogation_justification",
    "derogation_occasional",
    "derogation_occasional_reason",
    "authority_informed_on",
    "data_subjects_informed_on",
    "recipient_protection",
)
# The location form's fields, in the order the pages show them.
LOCATION_FIELDS = (
    "country",
    "role",
    "city",
    "transfer_tool",
    "adequacy_decision",
    "scc_module",
    *GROUND_FACT_FIELDS,
    "measures",
)
