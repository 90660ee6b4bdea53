"""The register's facts of a transfer as the engine takes them (`transfers.facts`).

Each function reads an ORM object or a result row holding the named columns, so the public
register (plain rows, for speed) and the assessments (ORM objects) build the same facts.
"""

from collections.abc import Iterable

from transfers.facts import AssessmentOnRecord, TransferFacts
from transfers.grounds import (
    BindingCorporateRules,
    SccDecision,
    SccModule,
    TransferGround,
    TransferTool,
)
from transfers.importers import DpfEntry, Importer

# The columns of processing_location that make up its transfer ground.
GROUND_COLUMNS = (
    "transfer_tool",
    "adequacy_decision",
    "scc_module",
    "uk_tool",
    "swiss_adaptation",
    "scc_decision",
    "scc_signed_on",
    "derogation",
    "derogation_justification",
    "derogation_occasional",
    "derogation_occasional_reason",
    "authority_informed_on",
    "data_subjects_informed_on",
    "bcr_group",
    "bcr_kind",
    "bcr_lead_authority",
    "bcr_approved_on",
    "bcr_importer_bound",
)
# The columns of processing_location that `location_facts` reads.
LOCATION_COLUMNS = ("country_code", "role", "recipient_protection", *GROUND_COLUMNS)

# The columns of subprocessor that say what the importer is and what data it receives.
IMPORTER_COLUMNS = (
    "dpf_certified",
    "dpf_listed_name",
    "dpf_scope",
    "dpf_verified_on",
    "dpf_recertification_due",
    "subject_to_pipeda",
    "subject_to_gdpr_art_3_2",
    "hr_data",
)


def transfer_ground(location) -> TransferGround | None:
    """The ground of a location, or of a result row holding its GROUND_COLUMNS; None if none."""
    if location.transfer_tool is None:
        return None
    return TransferGround(
        tool=location.transfer_tool,
        adequacy_decision=location.adequacy_decision,
        scc_module=SccModule(location.scc_module) if location.scc_module else None,
        uk_tool=location.uk_tool,
        # A location kept by a notice before its row was written holds None for a column's
        # default (false): the record says false, as the register does once it is written.
        swiss_adaptation=bool(location.swiss_adaptation),
        scc_decision=location.scc_decision or SccDecision.SCC_2021,
        scc_signed_on=location.scc_signed_on,
        bcr=_binding_corporate_rules(location),
        derogation=location.derogation,
        derogation_justification=location.derogation_justification,
        derogation_occasional=bool(location.derogation_occasional),
        derogation_occasional_reason=location.derogation_occasional_reason,
        authority_informed_on=location.authority_informed_on,
        data_subjects_informed_on=location.data_subjects_informed_on,
    )


def _binding_corporate_rules(location) -> BindingCorporateRules | None:
    if location.transfer_tool is not TransferTool.BCR:
        return None
    return BindingCorporateRules(
        group=location.bcr_group,
        kind=location.bcr_kind,
        lead_authority=location.bcr_lead_authority,
        approved_on=location.bcr_approved_on,
        importer_bound=location.bcr_importer_bound,
    )


def importer_facts(subprocessor) -> Importer:
    """What a subprocessor, or a result row holding its IMPORTER_COLUMNS, is as an importer.

    Its DPF List entry, when it is listed or someone checked the list; never a bare flag: the
    verdicts want the entry's dates (`transfers.verdicts`)."""
    listed = subprocessor.dpf_certified
    entry = None
    if listed or subprocessor.dpf_verified_on is not None:
        entry = DpfEntry(
            listed=listed,
            name=subprocessor.dpf_listed_name,
            scope=subprocessor.dpf_scope,
            verified_on=subprocessor.dpf_verified_on,
            recertification_due=subprocessor.dpf_recertification_due,
        )
    return Importer(
        dpf=entry,
        subject_to_pipeda=bool(subprocessor.subject_to_pipeda),
        subject_to_gdpr_art_3_2=bool(subprocessor.subject_to_gdpr_art_3_2),
    )


def location_facts(
    location,
    subprocessor,
    measures: Iterable[str],
    assessment: AssessmentOnRecord | None = None,
) -> TransferFacts:
    """What the verdicts judge of a location's transfer: `location` holds LOCATION_COLUMNS,
    `subprocessor` (its importer) IMPORTER_COLUMNS; `measures` are the codes recorded."""
    return TransferFacts(
        country=location.country_code,
        ground=transfer_ground(location),
        role=location.role.value,
        importer=importer_facts(subprocessor),
        hr_data=bool(subprocessor.hr_data),
        recipient_protection=location.recipient_protection,
        measures=frozenset(measures),
        assessment=assessment,
    )
