"""Drafting the register: new subprocessors and their locations, invisible to the public until a
change notice announces them (`registry.changes`). Every write is on the audit trail."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit
from registry.extensions import db
from registry.models import (
    DataCategory,
    DataSubjectCategory,
    Entity,
    LocationMeasure,
    LocationRole,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
    TransferAssessment,
)
from transfers import adequacy
from transfers.countries import InvalidCountryCode, country_code
from transfers.grounds import SccModule, TransferTool
from transfers.measures import catalogue


class DraftError(ValueError):
    """A draft cannot be saved as given; the message says why."""


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
    dpf_certified: bool = False
    subject_to_pipeda: bool = False


@dataclass(frozen=True)
class LocationValues:
    country: str
    role: str
    city: str | None = None
    transfer_tool: str | None = None
    adequacy_decision: str | None = None
    scc_module: int | None = None
    measures: list[str] = field(default_factory=list)


def create_draft(values: DraftValues, actor: str) -> Subprocessor:
    """Add a proposed subprocessor. Raises DraftError. The caller commits."""
    subprocessor = Subprocessor(status=SubprocessorStatus.PROPOSED)
    _fill(subprocessor, values)
    db.session.add(subprocessor)
    db.session.flush()
    audit.record(actor, "subprocessor.drafted", "subprocessor", subprocessor.id,
                 after=draft_snapshot(subprocessor))  # fmt: skip
    return subprocessor


def update_draft(subprocessor: Subprocessor, values: DraftValues, actor: str) -> None:
    """Change a proposed subprocessor's fields. Raises DraftError. The caller commits."""
    _ensure_draft(subprocessor)
    before = draft_snapshot(subprocessor)
    _fill(subprocessor, values)
    db.session.flush()
    audit.record(actor, "subprocessor.draft_edited", "subprocessor", subprocessor.id,
                 before=before, after=draft_snapshot(subprocessor))  # fmt: skip


def remove_location(subprocessor: Subprocessor, location_id: int, actor: str) -> None:
    """Take a processing location off a draft. Raises DraftError. The caller commits."""
    _ensure_draft(subprocessor)
    location = next((loc for loc in subprocessor.locations if loc.id == location_id), None)
    if location is None:
        raise DraftError(_("This draft has no such location."))
    assessed = db.session.scalar(
        sa.select(TransferAssessment.id).where(TransferAssessment.location_id == location.id)
    )
    if assessed is not None:
        raise DraftError(
            _("This location's transfer has an impact assessment on record, which keeps it.")
        )
    before = draft_snapshot(subprocessor)
    subprocessor.locations.remove(location)
    db.session.flush()
    audit.record(actor, "subprocessor.location_removed", "subprocessor", subprocessor.id,
                 before=before, after=draft_snapshot(subprocessor))  # fmt: skip


def _ensure_draft(subprocessor: Subprocessor) -> None:
    # Locked: an announcement committing meanwhile must not find its entry changed under it.
    db.session.refresh(subprocessor, with_for_update=True)
    if subprocessor.status is not SubprocessorStatus.PROPOSED:
        raise DraftError(_("Only a proposed subprocessor can be edited as a draft."))


def _fill(subprocessor: Subprocessor, values: DraftValues) -> None:
    """Set the entry's fields from checked values. Raises DraftError."""
    name, legal_name = values.name.strip(), values.legal_name.strip()
    if identity_taken(name, legal_name, other_than=subprocessor):
        raise DraftError(
            _("There is already a subprocessor named %(name)s with the legal name "
              "%(legal_name)s.", name=name, legal_name=legal_name)
        )  # fmt: skip
    website = (values.website or "").strip() or None
    if website and not website.lower().startswith(("https://", "http://")):
        raise DraftError(_("The website must be an https:// or http:// address."))
    subprocessor.name = name
    subprocessor.legal_name = legal_name
    subprocessor.address = values.address.strip()
    subprocessor.country_code = _country(values.country)
    subprocessor.website = website
    subprocessor.recipient_category = _one(RecipientCategory, values.recipient_category_id)
    subprocessor.purposes = _many(Purpose, values.purpose_ids)
    subprocessor.services = _many(Service, values.service_ids)
    subprocessor.data_categories = _many(DataCategory, values.data_category_ids)
    subprocessor.data_subject_categories = _many(DataSubjectCategory,
                                                 values.data_subject_category_ids)  # fmt: skip
    subprocessor.entities = _many(Entity, values.entity_ids)
    subprocessor.dpf_certified = values.dpf_certified
    subprocessor.subject_to_pipeda = values.subject_to_pipeda


def identity_taken(name: str, legal_name: str, other_than: Subprocessor) -> bool:
    """Whether another entry has this trading name and legal name. A trading name may recur
    under another legal name: that is another legal entity, such as the successor that replaces
    a subprocessor whose legal name changed."""
    query = sa.select(Subprocessor.id).where(
        Subprocessor.name == name, Subprocessor.legal_name == legal_name
    )
    if other_than.id is not None:
        query = query.where(Subprocessor.id != other_than.id)
    return db.session.scalar(query) is not None


def add_location(subprocessor: Subprocessor, values: LocationValues, actor: str) -> None:
    """Add a processing location, with its transfer ground, to a draft. Raises DraftError."""
    _ensure_draft(subprocessor)
    location = build_location(values)
    before = draft_snapshot(subprocessor)
    subprocessor.locations.append(location)
    db.session.flush()
    audit.record(actor, "subprocessor.location_added", "subprocessor", subprocessor.id,
                 before=before, after=draft_snapshot(subprocessor))  # fmt: skip


def build_location(values: LocationValues) -> ProcessingLocation:
    """A location from checked values: its ground's details must fit the ground, its decision
    and measures must exist. Raises DraftError."""
    tool = TransferTool(values.transfer_tool) if values.transfer_tool else None
    if values.adequacy_decision and tool is not TransferTool.ADEQUACY:
        raise DraftError(_("An adequacy decision goes with the adequacy ground only."))
    if values.scc_module and tool is not TransferTool.SCC:
        raise DraftError(_("An SCC module goes with the SCC ground only."))
    if values.adequacy_decision:
        try:
            adequacy.decision(values.adequacy_decision)
        except adequacy.UnknownDecision:
            raise DraftError(_("“%(value)s” is not an adequacy decision.",
                               value=values.adequacy_decision)) from None  # fmt: skip
    unknown = [code for code in values.measures if code not in catalogue()]
    if unknown:
        raise DraftError(
            _("Not measures of the EDPB catalogue: %(codes)s.", codes=", ".join(unknown))
        )
    return ProcessingLocation(
        country_code=_country(values.country),
        role=LocationRole(values.role),
        city=(values.city or "").strip() or None,
        transfer_tool=tool,
        adequacy_decision=values.adequacy_decision or None,
        scc_module=int(SccModule(values.scc_module)) if values.scc_module else None,
        measures=[LocationMeasure(code=code) for code in values.measures],
    )


def draft_snapshot(subprocessor: Subprocessor) -> dict:
    """What the audit trail keeps of a subprocessor's entry."""
    return {
        "name": subprocessor.name,
        "legal_name": subprocessor.legal_name,
        "address": subprocessor.address,
        "country": subprocessor.country_code,
        "website": subprocessor.website,
        "status": subprocessor.status.value,
        "recipient_category": subprocessor.recipient_category.code,
        "purposes": sorted(term.code for term in subprocessor.purposes),
        "services": sorted(term.code for term in subprocessor.services),
        "data_categories": sorted(term.code for term in subprocessor.data_categories),
        "data_subject_categories": sorted(
            term.code for term in subprocessor.data_subject_categories
        ),
        "engaged_by": sorted(entity.name for entity in subprocessor.entities),
        "dpf_certified": subprocessor.dpf_certified,
        "subject_to_pipeda": subprocessor.subject_to_pipeda,
        "locations": [
            {
                "country": location.country_code,
                "role": location.role.value,
                "city": location.city,
                "transfer_tool": location.transfer_tool and location.transfer_tool.value,
                "adequacy_decision": location.adequacy_decision,
                "scc_module": location.scc_module,
                "measures": sorted(measure.code for measure in location.measures),
            }
            for location in subprocessor.locations
        ],  # fmt: skip
    }


def _country(text: str) -> str:
    try:
        return country_code(text)
    except InvalidCountryCode:
        raise DraftError(_("“%(value)s” is not a country in ISO 3166-1.", value=text)) from None


def _one(model, identifier: int):
    found = db.session.get(model, identifier)
    if found is None:
        raise DraftError(_("Choose from the list."))
    return found


def _many(model, identifiers: list[int]) -> list:
    found = list(db.session.scalars(sa.select(model).where(model.id.in_(identifiers))))
    if len(found) != len(set(identifiers)):
        raise DraftError(_("Choose from the list."))
    return found
