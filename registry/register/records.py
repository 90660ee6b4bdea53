"""Reading the public register: the subprocessors on it, filtered, each as a plain record.

The page, the CSV file and the JSON API all render the same records, so they can never disagree.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from registry import clock
from registry.assessments import facts as assessment_facts
from registry.extensions import db
from registry.labels import LOCATION_ROLES
from registry.models import (
    AuditEvent,
    Entity,
    LocationMeasure,
    ProcessingLocation,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
    VocabularyTerm,
)
from registry.register.fact_records import ground_record, importer_record
from registry.register.facts import IMPORTER_COLUMNS, LOCATION_COLUMNS, location_facts
from registry.register.transfer_records import Judgement, transfer_record
from transfers.countries import alphabetical_key, country_name, is_eea
from transfers.verdicts import TransferFacts


@dataclass(frozen=True)
class RegisterFilter:
    """Narrows the register to one country, recipient category or service (codes; None for all),
    or to one subprocessor by id; or to what one of our entities engages for any of some
    services (ids), as it applies to a customer."""

    country: str | None = None
    category: str | None = None
    service: str | None = None
    subprocessor_id: int | None = None
    entity_id: int | None = None
    service_ids: tuple[int, ...] | None = None
    # Subprocessors down the processing chain, by id (`registry.chain`): otherwise only those
    # our entities engage directly are listed, or the one asked for by id.
    chain_ids: tuple[int, ...] | None = None


def published_records(
    register_filter: RegisterFilter, language: str, judgement: Judgement | None = None
) -> list[dict]:
    """Everything the public register says of each matching subprocessor, as JSON-ready values.

    Active subprocessors only, by name. Countries are ISO 3166-1 alpha-2 codes, each with its
    name in `language`; each location's transfer is judged as `judgement` says (today by
    default). Reads plain rows rather than ORM objects, one statement per table whatever the
    number of subprocessors, so a register of thousands stays fast.
    """
    judgement = judgement or Judgement(clock.today())
    matching = _matching_ids(register_filter)
    rows = db.session.execute(
        sa.select(
            Subprocessor.id,
            Subprocessor.name,
            Subprocessor.legal_name,
            Subprocessor.address,
            Subprocessor.country_code,
            Subprocessor.website,
            Subprocessor.recipient_category_id,
            Subprocessor.status,
            Subprocessor.illustrative,
            *[getattr(Subprocessor, name) for name in IMPORTER_COLUMNS],
        )
        .where(Subprocessor.id.in_(matching))
        .order_by(sa.func.lower(Subprocessor.name))
    ).all()
    categories = _terms(RecipientCategory, language)
    related = {name: _related(relation, matching, language) for name, relation in RELATED.items()}
    importers = {row.id: row for row in rows}
    locations = _locations(matching, language, importers, judgement)
    return [
        {
            "id": row.id,
            "name": row.name,
            "legal_name": row.legal_name,
            "address": row.address,
            "country": row.country_code,
            "country_name": country_name(row.country_code, language),
            "website": row.website,
            "recipient_category": categories[row.recipient_category_id],
            "purposes": related["purposes"].get(row.id, []),
            "services": related["services"].get(row.id, []),
            "data_categories": related["data_categories"].get(row.id, []),
            "data_subject_categories": related["data_subject_categories"].get(row.id, []),
            "locations": locations.get(row.id, []),
            "engaged_by": related["engaged_by"].get(row.id, []),
            "status": row.status.value,
            "illustrative": row.illustrative,
            **importer_record(row),
        }
        for row in rows
    ]


def published_transfers(judgement: Judgement, language: str) -> list[dict]:
    """Every location of every active subprocessor, with its transfer judged as asked."""
    return [
        {"subprocessor": {"id": record["id"], "name": record["name"]}, **location}
        for record in published_records(RegisterFilter(), language, judgement)
        for location in record["locations"]
    ]


# The many-to-many relations a record lists.
RELATED = {
    "purposes": Subprocessor.purposes,
    "services": Subprocessor.services,
    "data_categories": Subprocessor.data_categories,
    "data_subject_categories": Subprocessor.data_subject_categories,
    "engaged_by": Subprocessor.entities,
}


def _matching_ids(register_filter: RegisterFilter) -> sa.Select:
    query = sa.select(Subprocessor.id).where(Subprocessor.status == SubprocessorStatus.ACTIVE)
    if register_filter.country:
        query = query.where(
            Subprocessor.locations.any(ProcessingLocation.country_code == register_filter.country)
        )
    if register_filter.category:
        query = query.where(
            Subprocessor.recipient_category.has(RecipientCategory.code == register_filter.category)
        )
    if register_filter.service:
        query = query.where(Subprocessor.services.any(Service.code == register_filter.service))
    if register_filter.subprocessor_id is not None:
        query = query.where(Subprocessor.id == register_filter.subprocessor_id)
    if register_filter.chain_ids is not None:
        query = query.where(Subprocessor.id.in_(register_filter.chain_ids))
    elif register_filter.subprocessor_id is None:
        query = query.where(Subprocessor.engaged_directly.is_(True))
    if register_filter.entity_id is not None:
        query = query.where(Subprocessor.entities.any(Entity.id == register_filter.entity_id))
    if register_filter.service_ids is not None:
        query = query.where(Subprocessor.services.any(Service.id.in_(register_filter.service_ids)))
    return query


def _terms(term_class: type[VocabularyTerm], language: str) -> dict[int, dict]:
    return {
        term.id: {"code": term.code, "name": term.label(language)}
        for term in db.session.scalars(sa.select(term_class))
    }


def _entities() -> dict[int, dict]:
    return {
        entity.id: {"name": entity.name, "country": entity.country_code}
        for entity in db.session.scalars(sa.select(Entity))
    }


def _related(relation, matching: sa.Select, language: str) -> dict[int, list[dict]]:
    """For each matching subprocessor, the rows it links to through `relation`, by name."""
    target = relation.property.mapper.class_
    link = relation.property.secondary
    values = _entities() if target is Entity else _terms(target, language)
    target_id = link.c[f"{target.__tablename__}_id"]
    pairs = db.session.execute(
        sa.select(link.c.subprocessor_id, target_id).where(link.c.subprocessor_id.in_(matching))
    )
    grouped: dict[int, list[dict]] = {}
    for subprocessor_id, value_id in pairs:
        grouped.setdefault(subprocessor_id, []).append(values[value_id])
    for listed in grouped.values():
        listed.sort(key=lambda value: alphabetical_key(value["name"]))
    return grouped


def _locations(
    matching: sa.Select, language: str, importers: dict, judgement: Judgement
) -> dict[int, list[dict]]:
    role_names = {role: str(name) for role, name in LOCATION_ROLES.items()}
    columns = [getattr(ProcessingLocation, name) for name in LOCATION_COLUMNS]
    rows = db.session.execute(
        sa.select(
            ProcessingLocation.id,
            ProcessingLocation.subprocessor_id,
            ProcessingLocation.city,
            *columns,
        )
        .where(ProcessingLocation.subprocessor_id.in_(matching))
        .order_by(ProcessingLocation.id)
    )
    measures = _measures(matching)
    assessed = assessment_facts.on_record(judgement.day, matching)
    # Many locations share their facts (the same country, ground and measures): judge each once.
    judged: dict[TransferFacts, dict] = {}
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        facts = location_facts(
            row, importers[row.subprocessor_id], measures.get(row.id, ()), assessed.get(row.id)
        )
        if facts not in judged:
            judged[facts] = transfer_record(facts, judgement, language)
        grouped.setdefault(row.subprocessor_id, []).append(
            {
                "country": row.country_code,
                "country_name": country_name(row.country_code, language),
                "eea": is_eea(row.country_code, judgement.day),
                "city": row.city,
                "role": row.role.value,
                "role_name": role_names[row.role],
                "transfer": judged[facts],
                "ground_facts": ground_record(row),
            }
        )
    return grouped


def _measures(matching: sa.Select) -> dict[int, list[str]]:
    """The measure codes of each location of the matching subprocessors."""
    rows = db.session.execute(
        sa.select(LocationMeasure.location_id, LocationMeasure.code)
        .join(ProcessingLocation, ProcessingLocation.id == LocationMeasure.location_id)
        .where(ProcessingLocation.subprocessor_id.in_(matching))
    )
    grouped: dict[int, list[str]] = {}
    for location_id, code in rows:
        grouped.setdefault(location_id, []).append(code)
    return grouped


def published_countries() -> list[str]:
    """The codes of the countries where active subprocessors process data."""
    query = (
        sa.select(ProcessingLocation.country_code)
        .join(ProcessingLocation.subprocessor)
        .where(Subprocessor.status == SubprocessorStatus.ACTIVE)
        .distinct()
    )
    return list(db.session.scalars(query))


def vocabulary(term_class: type[VocabularyTerm], language: str) -> list[VocabularyTerm]:
    """Every term of a vocabulary, in alphabetical order of its name in `language`."""
    terms = db.session.scalars(sa.select(term_class))
    return sorted(terms, key=lambda term: alphabetical_key(term.label(language)))


def entities() -> list[Entity]:
    """The organisation's own legal entities, by name."""
    return list(db.session.scalars(sa.select(Entity).order_by(Entity.name)))


def entity_record(entity: Entity) -> dict:
    """An entity of ours as the API gives it: its name and full address."""
    return {
        "name": entity.name,
        "street_address": entity.street_address,
        "postal_code": entity.postal_code,
        "city": entity.city,
        "country": entity.country_code,
    }


@dataclass(frozen=True)
class RegisterSummary:
    """The counts a reader takes in first: how many subprocessors, in how many countries."""

    subprocessors: int
    countries: int
    countries_outside_eea: int


def summarise(records: list[dict]) -> RegisterSummary:
    """Count the subprocessors in `records` and the distinct countries where they process data."""
    locations = [location for record in records for location in record["locations"]]
    countries = {location["country"] for location in locations}
    return RegisterSummary(
        subprocessors=len(records),
        countries=len(countries),
        # Each location says whether its country was in the EEA on the day it was judged.
        countries_outside_eea=len({loc["country"] for loc in locations if not loc["eea"]}),
    )


def subprocessors_in(status: SubprocessorStatus) -> list[Subprocessor]:
    """The subprocessors in one state of their lifecycle, by name."""
    query = sa.select(Subprocessor).where(Subprocessor.status == status)
    return list(db.session.scalars(query.order_by(Subprocessor.name)))


# What changes the published register, as the audit trail names it.
PUBLISHED_ACTIONS = (
    "register.demo_loaded",
    "notice.effective",
    "notice.editorial",
    "subprocessor.ground_facts_recorded",
    "subprocessor.importer_facts_recorded",
    # A register file imported (registry.register_file): restored, or moved from another
    # installation, without a notice.
    "register.imported",
)


def last_updated() -> datetime | None:
    """When the published register last changed: a change in effect, an editorial correction,
    or the recorded facts of a transfer or an importer."""
    return db.session.scalar(
        sa.select(sa.func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action.in_(PUBLISHED_ACTIONS)
        )
    )
