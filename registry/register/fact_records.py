"""The facts of an importer and of a transfer ground as the public register shows them: what is
recorded, never the verdict drawn from it (the JSON and CSV exports and the page share them)."""

from datetime import date

from registry import labels
from transfers.grounds import TransferTool


def importer_record(row) -> dict:
    """The facts of the importer the register shows: its DPF List entry as last checked, and
    what the decisions and clauses ask of it. Facts, not verdicts."""
    return {
        "dpf_certified": row.dpf_certified,
        "dpf_entry": {
            "listed_name": row.dpf_listed_name,
            "scope": row.dpf_scope and row.dpf_scope.value,
            "scope_name": row.dpf_scope and str(labels.DPF_SCOPES[row.dpf_scope]),
            "verified_on": _day(row.dpf_verified_on),
            "recertification_due": _day(row.dpf_recertification_due),
        },
        "subject_to_pipeda": row.subject_to_pipeda,
        "subject_to_gdpr_art_3_2": row.subject_to_gdpr_art_3_2,
        "hr_data": row.hr_data,
    }


def ground_record(row) -> dict:
    """The recorded details of a location's ground beyond its tool, decision and module: the
    SCCs' decision and signature, the BCRs, the derogation's occasional character."""
    return {
        "scc_decision": row.scc_decision and row.scc_decision.value,
        "scc_signed_on": _day(row.scc_signed_on),
        "bcr": {
            "group": row.bcr_group,
            "kind": row.bcr_kind and row.bcr_kind.value,
            "kind_name": row.bcr_kind and str(labels.BCR_KINDS[row.bcr_kind]),
            "lead_authority": row.bcr_lead_authority,
            "approved_on": _day(row.bcr_approved_on),
            "importer_bound": row.bcr_importer_bound,
        }
        if row.transfer_tool is TransferTool.BCR
        else None,
        "derogation_occasional": row.derogation_occasional,
        "derogation_occasional_reason": row.derogation_occasional_reason,
        "recipient_protection": row.recipient_protection,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
