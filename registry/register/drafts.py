"""Drafting the register: new subprocessors and their locations, invisible to the public until a
change notice announces them (`registry.notices.changes`). Every write is on the audit trail."""

import enum
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit
from registry.extensions import db
from registry.models import (
    DataCategory,
    DataSubjectCategory,
    Entity,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
    TransferAssessment,
)
from registry.register.values import (
    DraftError,
    DraftValues,
    ImporterValues,
    LocationValues,
    build_location,
    country,
)
from transfers.importers import DpfScope

__all__ = [
    "DraftError",
    "DraftValues",
    "ImporterValues",
    "LocationValues",
    "add_location",
    "build_location",
    "create_draft",
    "draft_snapshot",
    "record_ground_facts",
    "record_importer_facts",
    "remove_location",
    "update_draft",
]


def create_draft(values: DraftValues, actor: str) -> Subprocessor:
    """Add a proposed subprocessor. Raises DraftError. The caller commits."""
    subprocessor = Subprocessor(status=SubprocessorStatus.PROPOSED)
    _fill(subprocessor, values)
    db.session.add(subprocessor)
    db.session.flush()
    audit.record(
        actor,
        "subprocessor.drafted",
        "subprocessor",
        subprocessor.id,
        after=draft_snapshot(subprocessor),
    )
    return subprocessor


def update_draft(subprocessor: Subprocessor, values: DraftValues, actor: str) -> None:
    """Change a proposed subprocessor's fields. Raises DraftError. The caller commits."""
    _ensure_draft(subprocessor)
    before = draft_snapshot(subprocessor)
    _fill(subprocessor, values)
    db.session.flush()
    audit.record(
        actor,
        "subprocessor.draft_edited",
        "subprocessor",
        subprocessor.id,
        before=before,
        after=draft_snapshot(subprocessor),
    )


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
    audit.record(
        actor,
        "subprocessor.location_removed",
        "subprocessor",
        subprocessor.id,
        before=before,
        after=draft_snapshot(subprocessor),
    )


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
            _(
                "There is already a subprocessor named %(name)s with the legal name "
                "%(legal_name)s.",
                name=name,
                legal_name=legal_name,
            )
        )
    website = (values.website or "").strip() or None
    if website and not website.lower().startswith(("https://", "http://")):
        raise DraftError(_("The website must be an https:// or http:// address."))
    subprocessor.name = name
    subprocessor.legal_name = legal_name
    subprocessor.address = values.address.strip()
    subprocessor.country_code = country(values.country)
    subprocessor.website = website
    subprocessor.recipient_category = _one(RecipientCategory, values.recipient_category_id)
    subprocessor.purposes = _many(Purpose, values.purpose_ids)
    subprocessor.services = _many(Service, values.service_ids)
    subprocessor.data_categories = _many(DataCategory, values.data_category_ids)
    subprocessor.data_subject_categories = _many(
        DataSubjectCategory, values.data_subject_category_ids
    )
    subprocessor.entities = _many(Entity, values.entity_ids)
    _fill_importer(subprocessor, values.importer)


def record_importer_facts(subprocessor: Subprocessor, values: ImporterValues, actor: str) -> None:
    """Record what a subprocessor of any status is as an importer: its DPF List entry as checked
    on a day, Art. 3(2) GDPR, PIPEDA, HR data. Facts found, not a change of the processing, so
    they need no notice. Raises DraftError. The caller commits."""
    db.session.refresh(subprocessor, with_for_update=True)
    before = draft_snapshot(subprocessor)
    _fill_importer(subprocessor, values)
    db.session.flush()
    action = "subprocessor.importer_facts_recorded"
    after = draft_snapshot(subprocessor)
    audit.record(actor, action, "subprocessor", subprocessor.id, before=before, after=after)


def _fill_importer(subprocessor: Subprocessor, values: ImporterValues) -> None:
    """Set what the subprocessor is as an importer. Raises DraftError: an entry's name, scope
    and recertification go with a listing (a check of the list may find none)."""
    name = (values.dpf_listed_name or "").strip() or None
    listed = values.dpf_certified
    if not listed and (name or values.dpf_scope or values.dpf_recertification_due):
        raise DraftError(
            _("The name as listed, the scope and the recertification date go with a DPF listing."),
            field="dpf_certified",
        )
    subprocessor.dpf_certified = listed
    subprocessor.subject_to_pipeda = values.subject_to_pipeda
    subprocessor.dpf_listed_name = name
    subprocessor.dpf_scope = DpfScope(values.dpf_scope) if values.dpf_scope else None
    subprocessor.dpf_verified_on = values.dpf_verified_on
    subprocessor.dpf_recertification_due = values.dpf_recertification_due
    subprocessor.subject_to_gdpr_art_3_2 = values.subject_to_gdpr_art_3_2
    subprocessor.hr_data = values.hr_data


def record_ground_facts(
    subprocessor: Subprocessor, location_id: int, values: LocationValues, actor: str
) -> None:
    """Record the details of a location's ground on a subprocessor of any status: the SCCs'
    decision and signature, the BCRs, the derogation's occasional character and informed days,
    the recipient's protection. Its place, role, tool, decision, module and measures stay as
    they are (a change of those needs a notice); of `values` only the details count. Raises
    DraftError. The caller commits."""
    db.session.refresh(subprocessor, with_for_update=True)
    location = next((loc for loc in subprocessor.locations if loc.id == location_id), None)
    if location is None:
        raise DraftError(_("This subprocessor has no such location."))
    tool = location.transfer_tool
    checked = build_location(
        replace(
            values,
            country=location.country_code,
            role=location.role.value,
            city=location.city,
            transfer_tool=tool.value if tool else None,
            adequacy_decision=location.adequacy_decision,
            scc_module=location.scc_module,
            measures=[measure.code for measure in location.measures],
        )
    )
    before = draft_snapshot(subprocessor)
    for name in LOCATION_FACTS:
        setattr(location, name, getattr(checked, name))
    db.session.flush()
    action = "subprocessor.ground_facts_recorded"
    after = draft_snapshot(subprocessor)
    audit.record(actor, action, "subprocessor", subprocessor.id, before=before, after=after)


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


def refuse_location_held(subprocessor: Subprocessor, location: ProcessingLocation) -> None:
    """Raise DraftError if the subprocessor already has a location in that country, of that
    role, in that city (or both without a city): one place, one ground."""
    place = (location.country_code, location.role, location.city)
    if any((held.country_code, held.role, held.city) == place for held in subprocessor.locations):
        message = _(
            "%(name)s already has this location: the same country, role and city.",
            name=subprocessor.name,
        )
        raise DraftError(message, field="country")


def add_location(subprocessor: Subprocessor, values: LocationValues, actor: str) -> None:
    """Add a processing location, with its transfer ground, to a draft. Raises DraftError."""
    _ensure_draft(subprocessor)
    location = build_location(values)
    refuse_location_held(subprocessor, location)
    before = draft_snapshot(subprocessor)
    subprocessor.locations.append(location)
    db.session.flush()
    audit.record(
        actor,
        "subprocessor.location_added",
        "subprocessor",
        subprocessor.id,
        before=before,
        after=draft_snapshot(subprocessor),
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
        **{name: _plain(getattr(subprocessor, name)) for name in IMPORTER_FACTS},
        "locations": [
            {
                "country": location.country_code,
                "role": location.role.value,
                "city": location.city,
                "transfer_tool": location.transfer_tool and location.transfer_tool.value,
                "adequacy_decision": location.adequacy_decision,
                "scc_module": location.scc_module,
                "measures": sorted(measure.code for measure in location.measures),
                **{name: _plain(getattr(location, name)) for name in LOCATION_FACTS},
            }
            for location in subprocessor.locations
        ],
    }


# The facts beyond the ground's tool, decision and module, by their column names.
IMPORTER_FACTS = tuple(ImporterValues.__dataclass_fields__)
LOCATION_FACTS = tuple(
    name
    for name in LocationValues.__dataclass_fields__
    if name
    not in {
        "country",
        "role",
        "city",
        "transfer_tool",
        "adequacy_decision",
        "scc_module",
        "measures",
    }
)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


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
