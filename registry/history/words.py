"""The words of the register's history for readers: each field of a change by its label, and
each recorded value as a reader reads it, in the reader's language (the JSON keeps codes)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import labels
from registry.models import LocationRole, SubprocessorStatus
from transfers.countries import country_name
from transfers.grounds import BcrKind, Derogation, TransferTool, UkTransferTool
from transfers.importers import DpfScope
from transfers.measures import catalogue

FIELDS = {
    "name": _l("Name"),
    "legal_name": _l("Legal name"),
    "address": _l("Address"),
    "country_code": _l("Country"),
    "website": _l("Website"),
    "recipient_category": _l("Recipient category"),
    "status": _l("Status"),
    "illustrative": _l("Illustrative demo data"),
    "dpf_certified": _l("Listed on the Data Privacy Framework List"),
    "dpf_listed_name": _l("Name as listed"),
    "dpf_scope": _l("Data the certification covers"),
    "dpf_verified_on": _l("DPF List last checked on"),
    "dpf_recertification_due": _l("Next DPF recertification due"),
    "subject_to_pipeda": _l("Subject to PIPEDA (Canada)"),
    "subject_to_gdpr_art_3_2": _l("Its processing is subject to the GDPR under Art. 3(2)"),
    "hr_data": _l("The data include human resources data"),
    "engaged_directly": _l("Engaged by one of our entities"),
    "contact": _l("Contact person or function"),
    "flow_down_clause": _l("Clause that flows our obligations down (GDPR Art. 28(4))"),
    "flow_down_signed_on": _l("Contract signed on"),
    "purposes": _l("Purposes"),
    "services": _l("Services"),
    "data_categories": _l("Data categories"),
    "data_subject_categories": _l("Data subjects"),
    "engaged_by": _l("Engaged by"),
    "locations": _l("Processing locations"),
    "role": _l("Role"),
    "city": _l("City"),
    "transfer_tool": _l("Transfer ground (outside the EEA)"),
    "adequacy_decision": _l("Adequacy decision relied on"),
    "scc_module": _l("SCC module"),
    "uk_tool": _l("UK transfer tool"),
    "swiss_adaptation": _l("Adapted for Switzerland"),
    "derogation": _l("Derogation relied on (Art. 49 GDPR)"),
    "derogation_justification": _l("Why the derogation applies"),
    "scc_decision": _l("SCCs of which decision"),
    "scc_signed_on": _l("SCCs signed on"),
    "derogation_occasional": _l("The transfer is occasional"),
    "derogation_occasional_reason": _l("Why the transfer is occasional"),
    "authority_informed_on": _l("Supervisory authority informed on"),
    "data_subjects_informed_on": _l("Data subjects informed on"),
    "bcr_group": _l("BCRs: the group whose rules they are"),
    "bcr_kind": _l("BCRs: for controllers or for processors"),
    "bcr_lead_authority": _l("BCRs: the lead supervisory authority that approved them"),
    "bcr_approved_on": _l("BCRs approved on"),
    "bcr_importer_bound": _l("BCRs: is the importer bound by them?"),
    "recipient_protection": _l("The recipient's special legal protection"),
    "measures": _l("Supplementary measures"),
    "engages": _l("Engages"),
    "activity": _l("What it does for the one engaging it"),
}

SUBJECTS = {
    "subprocessor": _l("Subprocessor"),
    "location": _l("Processing location"),
    "term": _l("Term"),
    "chain_link": _l("Processing chain"),
}
CHANGES = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}

# The enumerations a recorded value may be a member of, with their words.
_ENUMS = {
    "status": (SubprocessorStatus, labels.SUBPROCESSOR_STATUSES),
    "role": (LocationRole, labels.LOCATION_ROLES),
    "transfer_tool": (TransferTool, labels.TRANSFER_TOOLS),
    "uk_tool": (UkTransferTool, labels.UK_TOOLS),
    "derogation": (Derogation, labels.DEROGATIONS),
    "dpf_scope": (DpfScope, labels.DPF_SCOPES),
    "bcr_kind": (BcrKind, labels.BCR_KINDS),
}


def field_name(field: str) -> str:
    """A field's label, or its name where it has none."""
    return str(FIELDS.get(field, field))


def value_text(field: str, value, language: str, terms: dict[str, str]) -> str:
    """A recorded value as a reader reads it: a country by its name, an enumeration's member
    by its label, a term by its name (`terms`: names by code), yes or no, a list joined, "—"
    for nothing recorded."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(value_text(field, item, language, terms) for item in value)
    if isinstance(value, dict):
        return place_text(value, language) if "role" in value else value.get("name", str(value))
    if field == "measures" and value in catalogue():
        return f"{catalogue()[value].title(language)} ({value})"
    if field == "country_code":
        return f"{country_name(value, language)} ({value})"
    if field in _ENUMS:
        kind, words = _ENUMS[field]
        try:
            return str(words[kind(value)])
        except (ValueError, KeyError):
            return str(value)
    return terms.get(str(value), str(value))


def place_text(place: dict, language: str) -> str:
    """A location as "Germany (DE), Frankfurt: Storage and hosting"."""
    where = f"{country_name(place['country'], language)} ({place['country']})"
    if place.get("city"):
        where += f", {place['city']}"
    try:
        role = str(labels.LOCATION_ROLES[LocationRole(place["role"])])
    except ValueError:
        role = place["role"]
    return f"{where}: {role}"


# What changed the register, as the list of snapshots names the audit actions.
CAUSES = {
    "register.demo_loaded": _l("Demo data loaded"),
    "notice.effective": _l("A change took effect"),
    "notice.editorial": _l("An editorial correction"),
    "subprocessor.ground_facts_recorded": _l("The details of a transfer ground recorded"),
    "subprocessor.importer_facts_recorded": _l("The facts of an importer recorded"),
    "chain.linked": _l("A link in the processing chain recorded"),
    "chain.flow_down_recorded": _l("A flow-down clause recorded"),
}


def cause_text(action: str) -> str:
    """What an audit action that changed the register did, in the reader's language."""
    return str(CAUSES.get(action, action))
