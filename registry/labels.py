"""The words for the registry's own enumerations, in every language it serves."""

from flask_babel import lazy_gettext as _l

from registry.models import (
    AssessmentState,
    Authorisation,
    ChangeKind,
    CustomerEffect,
    DeliveryState,
    LocationRole,
    MessageKind,
    NoticeState,
    ObjectionOutcome,
    ObjectionState,
    Role,
    SubprocessorStatus,
    WebhookFormat,
)
from transfers.adequacy import CountryStatus, EndKind
from transfers.grounds import BcrKind, Derogation, SccModule, TransferTool, UkTransferTool
from transfers.importers import DpfScope
from transfers.laws import LawKind
from transfers.measures import Effectiveness, MeasureKind
from transfers.reasons import Verdict
from transfers.risk import Conclusion

LOCATION_ROLES = {
    LocationRole.STORAGE: _l("Storage and hosting"),
    LocationRole.PROCESSING: _l("Processing"),
    LocationRole.BACKUP: _l("Backup copies"),
    LocationRole.SUPPORT_ACCESS: _l("Remote access for support"),
    LocationRole.FOLLOW_THE_SUN: _l("Follow-the-sun support"),
    LocationRole.TRANSIT: _l("Transit only (data pass through)"),
}

DPF_SCOPES = {
    DpfScope.NON_HR: _l("Non-HR data"),
    DpfScope.HR: _l("HR data"),
    DpfScope.BOTH: _l("HR and non-HR data"),
}

BCR_KINDS = {
    BcrKind.CONTROLLER: _l("BCRs for controllers (BCR-C)"),
    BcrKind.PROCESSOR: _l("BCRs for processors (BCR-P)"),
}

SUBPROCESSOR_STATUSES = {
    SubprocessorStatus.PROPOSED: _l("Proposed"),
    SubprocessorStatus.ANNOUNCED: _l("Announced"),
    SubprocessorStatus.ACTIVE: _l("Active"),
    SubprocessorStatus.RETIRED: _l("Retired"),
}

ROLES = {
    Role.VIEWER: _l("Viewer"),
    Role.EDITOR: _l("Editor"),
    Role.ADMIN: _l("Admin"),
}

COUNTRY_STATUSES = {
    CountryStatus.EEA: _l("EEA"),
    CountryStatus.ADEQUATE: _l("Adequacy decision"),
    CountryStatus.PARTIALLY_ADEQUATE: _l("Partial adequacy decision"),
    CountryStatus.THIRD_COUNTRY: _l("No adequacy decision"),
}

TRANSFER_TOOLS = {
    TransferTool.ADEQUACY: _l("Adequacy decision (Art. 45 GDPR)"),
    TransferTool.SCC: _l("Standard Contractual Clauses (Art. 46 GDPR)"),
    TransferTool.BCR: _l("Binding corporate rules (Art. 47 GDPR)"),
    TransferTool.DEROGATION: _l("Derogation (Art. 49 GDPR)"),
}

SCC_MODULES = {
    SccModule.CONTROLLER_TO_CONTROLLER: _l("Module 1, controller to controller"),
    SccModule.CONTROLLER_TO_PROCESSOR: _l("Module 2, controller to processor"),
    SccModule.PROCESSOR_TO_PROCESSOR: _l("Module 3, processor to processor"),
    SccModule.PROCESSOR_TO_CONTROLLER: _l("Module 4, processor to controller"),
}

UK_TOOLS = {
    UkTransferTool.ADDENDUM: _l("for exports under the UK GDPR: with the UK Addendum to the SCCs"),
    UkTransferTool.IDTA: _l(
        "for exports under the UK GDPR: the UK International Data Transfer Agreement instead"
    ),
}

DEROGATIONS = {
    Derogation.EXPLICIT_CONSENT: _l("Art. 49(1)(a): explicit consent"),
    Derogation.CONTRACT_WITH_DATA_SUBJECT: _l("Art. 49(1)(b): contract with the data subject"),
    Derogation.CONTRACT_IN_DATA_SUBJECT_INTEREST: _l(
        "Art. 49(1)(c): contract in the interest of the data subject"
    ),
    Derogation.PUBLIC_INTEREST: _l("Art. 49(1)(d): important reasons of public interest"),
    Derogation.LEGAL_CLAIMS: _l("Art. 49(1)(e): legal claims"),
    Derogation.VITAL_INTERESTS: _l("Art. 49(1)(f): vital interests"),
    Derogation.PUBLIC_REGISTER: _l("Art. 49(1)(g): public register"),
    Derogation.COMPELLING_LEGITIMATE_INTERESTS: _l(
        "Art. 49(1), second subparagraph: compelling legitimate interests"
    ),
}

MEASURE_KINDS = {
    MeasureKind.TECHNICAL: _l("Technical"),
    MeasureKind.CONTRACTUAL: _l("Contractual"),
    MeasureKind.ORGANISATIONAL: _l("Organisational"),
}

EFFECTIVENESS = {
    Effectiveness.EFFECTIVE: _l("effective for its use case if the EDPB's conditions are met"),
    Effectiveness.NOT_EFFECTIVE: _l("not effective for its use case in the EDPB's view"),
    Effectiveness.COMPLEMENTARY: _l("complements technical measures; not enough on its own"),
}

VERDICTS = {
    Verdict.VALID: _l("Valid ground"),
    Verdict.NEEDS_ATTENTION: _l("Needs attention"),
    Verdict.NO_VALID_GROUND: _l("No valid ground"),
}

# How an adequacy decision ended, as the admin's picker says it.
DECISION_ENDS = {
    EndKind.INVALIDATED: _l("invalidated by the Court of Justice on"),
    EndKind.EXPIRED: _l("expired on"),
    EndKind.REPLACED: _l("replaced on"),
    EndKind.REPEALED: _l("repealed on"),
}

CHANGE_KINDS = {
    ChangeKind.ADDITION: _l("New subprocessor"),
    ChangeKind.REMOVAL: _l("Subprocessor removed"),
    ChangeKind.REPLACEMENT: _l("Subprocessor replaced"),
    ChangeKind.NEW_LOCATION: _l("New processing location"),
    ChangeKind.NEW_PURPOSE: _l("New purpose or data category"),
    ChangeKind.EDITORIAL: _l("Editorial correction"),
}

NOTICE_STATES = {
    NoticeState.ANNOUNCED: _l("Announced: objections open until the deadline"),
    NoticeState.EFFECTIVE: _l("In effect"),
    NoticeState.WITHDRAWN: _l("Withdrawn"),
}

OBJECTION_STATES = {
    ObjectionState.UNCONFIRMED: _l("Awaiting confirmation of the contact address"),
    ObjectionState.OPEN: _l("Received"),
    ObjectionState.IN_DISCUSSION: _l("In discussion"),
    ObjectionState.RESOLVED: _l("Resolved"),
}

OBJECTION_OUTCOMES = {
    ObjectionOutcome.CHANGE_WITHDRAWN: _l("The change was withdrawn"),
    ObjectionOutcome.DATA_EXCLUDED: _l(
        "The customer's data are kept away from what the change brings in"
    ),
    ObjectionOutcome.OBJECTION_WITHDRAWN: _l("The objection was withdrawn by the customer"),
    ObjectionOutcome.CONTRACT_ENDED: _l("The contract was ended by the customer"),
    ObjectionOutcome.CONTRACT_ENDED_BY_US: _l(
        "The contract was ended by us, as clause 3.9 of the addendum allows"
    ),
    ObjectionOutcome.REJECTED: _l("The objection was rejected as not legitimate"),
}

WEBHOOK_FORMATS = {
    WebhookFormat.STANDARD: _l("Standard Webhooks (signed JSON)"),
    WebhookFormat.SLACK: _l("Slack incoming webhook"),
    WebhookFormat.TEAMS: _l("Microsoft Teams incoming webhook or Workflows"),
}

AUTHORISATIONS = {
    Authorisation.GENERAL: _l("General written authorisation"),
    Authorisation.SPECIFIC: _l("Specific authorisation for each subprocessor"),
}

CUSTOMER_EFFECTS = {
    CustomerEffect.PENDING: _l("Announced, not yet in effect"),
    CustomerEffect.IN_EFFECT: _l("In effect"),
    CustomerEffect.HELD: _l("Held for this customer"),
    CustomerEffect.EXCLUDED: _l("The customer's data are excluded"),
    CustomerEffect.WITHDRAWN: _l("Withdrawn"),
    CustomerEffect.CONTRACT_ENDED: _l("The contract ended"),
}

CHANGE_FIELDS = {
    "name": _l("Name"),
    "legal_name": _l("Legal name"),
    "address": _l("Address"),
    "website": _l("Website"),
    "country": _l("Country of establishment"),
    "recipient_category": _l("Recipient category"),
    "purposes": _l("Purposes"),
    "services": _l("Services"),
    "data_categories": _l("Data categories"),
    "data_subject_categories": _l("Data subjects"),
    "locations": _l("Processing locations"),
    "engaged_by": _l("Engaged by"),
}

ASSESSMENT_STATES = {
    AssessmentState.DRAFT: _l("Draft"),
    AssessmentState.IN_REVIEW: _l("In review"),
    AssessmentState.APPROVED: _l("Approved"),
    AssessmentState.SUPERSEDED: _l("Superseded"),
}

CONCLUSIONS = {
    Conclusion.ACCEPTABLE: _l("Acceptable"),
    Conclusion.ACCEPTABLE_WITH_MEASURES: _l("Acceptable with the supplementary measures"),
    Conclusion.NOT_ACCEPTABLE: _l("Not acceptable: suspend or end the transfer"),
}

LAW_KINDS = {
    LawKind.SURVEILLANCE: _l("Intelligence and national security"),
    LawKind.LAW_ENFORCEMENT: _l("Law enforcement"),
    LawKind.REDRESS: _l("Oversight and redress"),
    LawKind.DATA_PROTECTION: _l("Data protection"),
}

# The fields of an assessment, as the list of differences between versions names them.
ASSESSMENT_FIELDS = {
    "data_format": _l("Format of the data transferred"),
    "onward_transfers": _l("Onward transfers"),
    "access_from": _l("Who accesses the data, and from where"),
    "law_findings": _l("Findings on the laws"),
    "practice_findings": _l("Practice of the authorities and the importer's experience"),
    "measures": _l("Supplementary measures"),
    "scc_signed_on": _l("SCCs signed on"),
    "docking_clause": _l("Docking clause (clause 7)"),
    "modifies_clauses": _l("The measures contradict or modify the SCCs or BCRs"),
    "authorisation": _l("The supervisory authority's authorisation"),
    "procedural_notes": _l("Other procedural steps"),
    "review_interval_months": _l("Review every (months)"),
    "risk_years": _l("Assessment period (years)"),
    "risk_paths": _l("Risk inputs"),
    "conclusion": _l("Conclusion"),
    "reasoning": _l("Reasoning"),
    "mapped": _l("The transfer in the register"),
    "ground": _l("The transfer tool and measures in the register"),
}

MESSAGE_KINDS = {
    MessageKind.OBJECTION_CONFIRMATION: _l("Confirmation of an objection"),
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: _l("Acknowledgement of an objection"),
    MessageKind.SUBSCRIPTION_CONFIRMATION: _l("Confirmation of a subscription"),
    MessageKind.NOTICE_ANNOUNCED: _l("Announcement"),
    MessageKind.NOTICE_REMINDER: _l("Reminder before the deadline"),
    MessageKind.NOTICE_WITHDRAWN: _l("Withdrawal"),
    MessageKind.CUSTOMER_NOTICE_ANNOUNCED: _l("Announcement to a customer"),
    MessageKind.CUSTOMER_NOTICE_REMINDER: _l("Reminder to a customer before its deadline"),
    MessageKind.CUSTOMER_NOTICE_WITHDRAWN: _l("Withdrawal, to a customer"),
    MessageKind.CUSTOMER_NOTICE_MOVED: _l("New dates, to a customer"),
    MessageKind.OBJECTION_OUTCOME: _l("Outcome of an objection"),
    MessageKind.CUSTOMER_VIEW_LINK: _l("Link to a customer's own view"),
    MessageKind.CUSTOMER_NOTICE_IN_EFFECT: _l("In effect, to a customer"),
    MessageKind.WEBHOOK_DISABLED: _l("A webhook endpoint was disabled"),
    MessageKind.WEBHOOK_TEST: _l("Test event"),
}

DELIVERY_STATES = {
    DeliveryState.QUEUED: _l("queued"),
    DeliveryState.SENT: _l("sent"),
    DeliveryState.FAILED: _l("failed"),
}
