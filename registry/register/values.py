"""What a form gives for a draft, and a processing location built from it once checked.

`build_location` is shared by drafts (`registry.register.drafts`) and new-location notices
(`registry.notices.changes`), so a location is checked the same way whichever way it comes in.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.domain import DomainError
from registry.models import LocationMeasure, LocationRole, ProcessingLocation
from transfers import adequacy
from transfers.countries import InvalidCountryCode, country_code
from transfers.grounds import BcrKind, Derogation, SccDecision, SccModule, TransferTool
from transfers.measures import catalogue


class DraftError(DomainError):
    """A draft cannot be saved as given; the message says why and `field`, if known, names the
    form field it is about."""


@dataclass(frozen=True)
class ImporterValues:
    """What a subprocessor is as an importer: its entry on the Data Privacy Framework List as
    last checked (name as listed, scope, days), Art. 3(2) GDPR, and whether the data include
    human resources data."""

    dpf_certified: bool = False
    dpf_listed_name: str | None = None
    dpf_scope: str | None = None
    dpf_verified_on: date | None = None
    dpf_recertification_due: date | None = None
    subject_to_gdpr_art_3_2: bool = False
    hr_data: bool = False
    subject_to_pipeda: bool = False


@dataclass(frozen=True)
class DraftValues:
    """A new subprocessor as a form gives it: vocabulary terms and entities by id."""

    name: str
    legal_name: str
    address: str
    country: str
    website: str | None
    recipient_category_id: int
    purpose_ids: list[int]
    service_ids: list[int]
    data_category_ids: list[int]
    data_subject_category_ids: list[int]
    entity_ids: list[int]
    importer: ImporterValues = field(default_factory=ImporterValues)


@dataclass(frozen=True)
class LocationValues:
    """A location as a form gives it. Days are ISO 8601 text, so that a notice can keep the
    values as JSON until the location is added (`registry.notices.changes`)."""

    country: str
    role: str
    city: str | None = None
    transfer_tool: str | None = None
    adequacy_decision: str | None = None
    scc_module: int | None = None
    measures: list[str] = field(default_factory=list)
    recipient_protection: str | None = None
    scc_decision: str | None = None
    scc_signed_on: str | None = None
    derogation: str | None = None
    derogation_justification: str | None = None
    derogation_occasional: bool = False
    derogation_occasional_reason: str | None = None
    authority_informed_on: str | None = None
    data_subjects_informed_on: str | None = None
    bcr_group: str | None = None
    bcr_kind: str | None = None
    bcr_lead_authority: str | None = None
    bcr_approved_on: str | None = None
    bcr_importer_bound: bool | None = None


def build_location(values: LocationValues) -> ProcessingLocation:
    """A location from checked values: its ground's details must fit the ground, its decision
    and measures must exist, its days be days. Raises DraftError, naming the field."""
    tool = TransferTool(values.transfer_tool) if values.transfer_tool else None
    _check_details_fit(values, tool)
    if values.adequacy_decision:
        try:
            adequacy.decision(values.adequacy_decision)
        except adequacy.UnknownDecision:
            raise DraftError(
                _("“%(value)s” is not an adequacy decision.", value=values.adequacy_decision)
            ) from None
    unknown = [code for code in values.measures if code not in catalogue()]
    if unknown:
        raise DraftError(
            _("Not measures of the EDPB catalogue: %(codes)s.", codes=", ".join(unknown))
        )
    occasional_reason = _text(values.derogation_occasional_reason)
    if values.derogation_occasional and not occasional_reason:
        raise DraftError(
            _("Say why the transfer is occasional: without a reason it is taken as systematic."),
            field="derogation_occasional_reason",
        )
    return ProcessingLocation(
        country_code=country(values.country),
        role=LocationRole(values.role),
        city=_text(values.city),
        transfer_tool=tool,
        adequacy_decision=values.adequacy_decision or None,
        scc_module=int(SccModule(values.scc_module)) if values.scc_module else None,
        measures=[LocationMeasure(code=code) for code in values.measures],
        recipient_protection=_text(values.recipient_protection),
        scc_decision=SccDecision(values.scc_decision) if values.scc_decision else None,
        scc_signed_on=_day(values.scc_signed_on, "scc_signed_on"),
        derogation=Derogation(values.derogation) if values.derogation else None,
        derogation_justification=_text(values.derogation_justification),
        derogation_occasional=values.derogation_occasional,
        derogation_occasional_reason=occasional_reason,
        authority_informed_on=_day(values.authority_informed_on, "authority_informed_on"),
        data_subjects_informed_on=_day(
            values.data_subjects_informed_on, "data_subjects_informed_on"
        ),
        bcr_group=_text(values.bcr_group),
        bcr_kind=BcrKind(values.bcr_kind) if values.bcr_kind else None,
        bcr_lead_authority=_text(values.bcr_lead_authority),
        bcr_approved_on=_day(values.bcr_approved_on, "bcr_approved_on"),
        bcr_importer_bound=values.bcr_importer_bound,
    )


# The details that go with one transfer tool only, by field, and the words that say so.
TOOL_DETAILS = (
    (
        TransferTool.ADEQUACY,
        ("adequacy_decision",),
        _l("An adequacy decision goes with the adequacy ground only."),
    ),
    (TransferTool.SCC, ("scc_module",), _l("An SCC module goes with the SCC ground only.")),
    (
        TransferTool.SCC,
        ("scc_decision", "scc_signed_on"),
        _l("The SCCs' decision and signature date go with the SCC ground only."),
    ),
    (
        TransferTool.BCR,
        ("bcr_group", "bcr_kind", "bcr_lead_authority", "bcr_approved_on", "bcr_importer_bound"),
        _l("Details of binding corporate rules go with the BCR ground only."),
    ),
    (
        TransferTool.DEROGATION,
        (
            "derogation",
            "derogation_justification",
            "derogation_occasional",
            "derogation_occasional_reason",
            "authority_informed_on",
            "data_subjects_informed_on",
        ),
        _l("A derogation and its details go with the derogation ground only."),
    ),
)


def _check_details_fit(values: LocationValues, tool: TransferTool | None) -> None:
    for detail_tool, names, words in TOOL_DETAILS:
        if detail_tool is tool:
            continue
        given = [name for name in names if getattr(values, name) not in (None, "", False)]
        if given:
            raise DraftError(str(words), field=given[0])


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DraftError(
            _("“%(value)s” is not a date: use YYYY-MM-DD.", value=text), field=name
        ) from None


def country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of `text`. Raises DraftError."""
    try:
        return country_code(text)
    except InvalidCountryCode:
        raise DraftError(_("“%(value)s” is not a country in ISO 3166-1.", value=text)) from None
