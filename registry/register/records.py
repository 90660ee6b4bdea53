"""Reading the public register: the subprocessors on it, filtered, each as a plain record.

The page, the CSV file and the JSON API all render the same records, so they can never disagree.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa

from registry import clock
from registry.assessments import facts as assessment_facts
from registry.database import UTCDateTime
from registry.extensions import db
from registry.labels import LOCATION_ROLES
from registry.models import (
    AuditEvent,
    DataCategory,
    DataSubjectCategory,
    Entity,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    RegisterSnapshot,
    Service,
    Subprocessor,
    SubprocessorStatus,
    VocabularyTerm,
)
from registry.register import state
from registry.register.fact_records import ground_record, importer_record
from registry.register.facts import location_facts
from registry.register.transfer_records import Judgement, transfer_record
from transfers.countries import alphabetical_key, country_name, is_eea
from transfers.facts import AssessmentOnRecord
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
    register_filter: RegisterFilter,
    language: str,
    judgement: Judgement | None = None,
    recorded: dict | None = None,
    rows: slice | None = None,
) -> list[dict]:
    """Everything the public register says of each matching subprocessor, as JSON-ready values.

    Active subprocessors only, by name; `rows` narrows them to a page of that order (records
    are built for that page alone). Countries are ISO 3166-1 alpha-2 codes, each with its
    name in `language`; each location's transfer is judged as `judgement` says (today by
    default), with the assessments on record on its day. From the register as it is now, or
    as `recorded` (a published register's document, `registry.register.state`, as a snapshot
    kept it) says: the same records either way. Reads one statement per table whatever the
    number of subprocessors, so a register of thousands stays fast.
    """
    judgement = judgement or Judgement(clock.today())
    if recorded is None:
        matching = _matching_ids(register_filter)
        if rows is not None:
            matching = _ids_of_rows(matching, rows)
        documents = state.subprocessor_documents(matching)
        entities = state.entity_documents()
    else:
        documents = _recorded_documents(register_filter, recorded)
        if rows is not None:
            documents = sorted(documents, key=_name_order)[rows]
        entities = recorded["entities"]
        matching = sa.select(Subprocessor.id).where(
            Subprocessor.id.in_([document["id"] for document in documents])
        )
    assessed = assessment_facts.on_record(judgement.day, matching)
    return records_of(documents, entities, language, judgement, assessed)


def register_summary(
    register_filter: RegisterFilter, day: date, recorded: dict | None = None
) -> "RegisterSummary":
    """The counts of every matching subprocessor (not only a page's), without building a
    record: how many, in how many countries, how many of those outside the EEA on `day`."""
    if recorded is None:
        matching = _matching_ids(register_filter)
        count = db.session.scalar(sa.select(sa.func.count()).select_from(matching.subquery()))
        countries = set(
            db.session.scalars(
                sa.select(ProcessingLocation.country_code)
                .where(ProcessingLocation.subprocessor_id.in_(matching))
                .distinct()
            )
        )
    else:
        documents = _recorded_documents(register_filter, recorded)
        count = len(documents)
        countries = {place["country_code"] for doc in documents for place in doc["locations"]}
    return RegisterSummary(
        subprocessors=count or 0,
        countries=len(countries),
        countries_outside_eea=len({code for code in countries if not is_eea(code, day)}),
    )


def _ids_of_rows(matching: sa.Select, rows: slice) -> sa.Select:
    """The ids of the rows `rows` of the subprocessors `matching` gives, in the records' order
    (by name, as Python compares it, so that a page and the whole list agree)."""
    named = db.session.execute(
        sa.select(Subprocessor.id, Subprocessor.name)
        .where(Subprocessor.id.in_(matching))
        .order_by(Subprocessor.id)  # equal names in the order of their ids, as the records
    )
    chosen = [row.id for row in sorted(named, key=_name_order)[rows]]
    return sa.select(Subprocessor.id).where(Subprocessor.id.in_(chosen))


def _name_order(named) -> str:
    """The records' order: by name, case aside (a row or a document)."""
    name = named["name"] if isinstance(named, dict) else named.name
    return name.lower()


def _recorded_documents(register_filter: RegisterFilter, recorded: dict) -> list[dict]:
    services = _service_codes(register_filter.service_ids)
    return [
        document
        for document in recorded["subprocessors"]
        if _recorded_match(document, register_filter, recorded["entities"], services)
    ]


def records_of(
    documents: list[dict],
    entities: list[dict],
    language: str,
    judgement: Judgement,
    assessed: dict[int, AssessmentOnRecord],
) -> list[dict]:
    """The records of subprocessor documents (`registry.register.state`), by name: the one
    builder of the page, the CSV and the API, for today's register and for a recorded one.
    `entities` are our entities' documents; `assessed`, the assessment each location relied on
    by its id."""
    words = {key: _terms(term_class, language) for key, term_class in TERM_CLASSES.items()}
    engaged = {
        entity["name"]: {"name": entity["name"], "country": entity["country_code"]}
        for entity in entities
    }
    judge = _LocationJudge(judgement, language, assessed)
    found = []
    for document in sorted(documents, key=_name_order):
        row = state.subprocessor_row(document)
        locations = [
            judge.record(state.location_row(place), row) for place in document["locations"]
        ]
        found.append(
            {
                "id": row.id,
                "name": row.name,
                "legal_name": row.legal_name,
                "address": row.address,
                "country": row.country_code,
                "country_name": country_name(row.country_code, language),
                "website": row.website,
                "recipient_category": _term(words["recipient_category"], row.recipient_category),
                **{key: _named_terms(words[key], document[key]) for key in LISTED_TERMS},
                "locations": locations,
                "engaged_by": sorted(
                    (engaged[name] for name in document["engaged_by"] if name in engaged),
                    key=_by_name,
                ),
                "status": row.status.value,
                "illustrative": row.illustrative,
                **importer_record(row),
            }
        )
    return found


def published_transfers(
    judgement: Judgement, language: str, recorded: dict | None = None
) -> list[dict]:
    """Every location of every active subprocessor, with its transfer judged as asked; now, or
    as `recorded` says."""
    return [
        {"subprocessor": {"id": record["id"], "name": record["name"]}, **location}
        for record in published_records(RegisterFilter(), language, judgement, recorded)
        for location in record["locations"]
    ]


# The lists of terms a record gives, in its order.
LISTED_TERMS = ("purposes", "services", "data_categories", "data_subject_categories")
# The vocabularies a record names its terms from, by the key of a subprocessor's document.
TERM_CLASSES = {
    "recipient_category": RecipientCategory,
    "purposes": Purpose,
    "services": Service,
    "data_categories": DataCategory,
    "data_subject_categories": DataSubjectCategory,
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


def _recorded_match(
    document: dict, register_filter: RegisterFilter, entities: list[dict], services: set | None
) -> bool:
    """Whether a recorded subprocessor passes the filter, as `_matching_ids` asks the database;
    `services` are the codes of the filter's `service_ids`."""
    chosen = register_filter
    checks = [
        document["status"] == SubprocessorStatus.ACTIVE.value,
        not chosen.country
        or any(place["country_code"] == chosen.country for place in document["locations"]),
        not chosen.category or document["recipient_category"] == chosen.category,
        not chosen.service or chosen.service in document["services"],
        chosen.subprocessor_id is None or document["id"] == chosen.subprocessor_id,
        services is None or bool(services & set(document["services"])),
    ]
    if chosen.chain_ids is not None:
        checks.append(document["id"] in chosen.chain_ids)
    elif chosen.subprocessor_id is None:
        checks.append(document["engaged_directly"])
    if chosen.entity_id is not None:
        names = {entity["name"] for entity in entities if entity["id"] == chosen.entity_id}
        checks.append(bool(names & set(document["engaged_by"])))
    return all(checks)


def _service_codes(service_ids: tuple[int, ...] | None) -> set[str] | None:
    if service_ids is None:
        return None
    return set(db.session.scalars(sa.select(Service.code).where(Service.id.in_(service_ids))))


def _terms(term_class: type[VocabularyTerm], language: str) -> dict[str, dict]:
    """Each term of a vocabulary by its code: its code and its name in `language`."""
    return {
        term.code: {"code": term.code, "name": term.label(language)}
        for term in db.session.scalars(sa.select(term_class))
    }


def _term(words: dict[str, dict], code: str) -> dict:
    # A term removed from the vocabulary since a snapshot recorded it is named by its code.
    return words.get(code) or {"code": code, "name": code}


def _named_terms(words: dict[str, dict], codes: list[str]) -> list[dict]:
    named = [_term(words, code) for code in codes]
    return sorted(named, key=_by_name)


@lru_cache(maxsize=4096)
def _sort_key(name: str) -> str:
    # The same few hundred names (terms, entities) are sorted on every record: each key once.
    return alphabetical_key(name)


def _by_name(value: dict) -> str:
    return _sort_key(value["name"])


class _LocationJudge:
    """Builds each location's record, judging each set of facts once: many locations share
    their facts (the same country, ground and measures)."""

    def __init__(self, judgement: Judgement, language: str, assessed: dict) -> None:
        self.judgement, self.language, self.assessed = judgement, language, assessed
        self.role_names = {role: str(name) for role, name in LOCATION_ROLES.items()}
        self.judged: dict[TransferFacts, dict] = {}

    def record(self, place, importer) -> dict:
        """The record of a location (a row of its columns and `measures`) of `importer`."""
        facts = location_facts(place, importer, place.measures, self.assessed.get(place.id))
        if facts not in self.judged:
            self.judged[facts] = transfer_record(facts, self.judgement, self.language)
        return {
            "country": place.country_code,
            "country_name": country_name(place.country_code, self.language),
            "eea": is_eea(place.country_code, self.judgement.day),
            "city": place.city,
            "role": place.role.value,
            "role_name": self.role_names[place.role],
            "transfer": self.judged[facts],
            "ground_facts": ground_record(place),
        }


def published_countries(recorded: dict | None = None) -> list[str]:
    """The codes of the countries where active subprocessors process data; now, or as
    `recorded` (a published register's document) says."""
    if recorded is not None:
        return sorted(
            {
                place["country_code"]
                for document in recorded["subprocessors"]
                if document["status"] == SubprocessorStatus.ACTIVE.value
                for place in document["locations"]
            }
        )
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
    """The counts a reader takes in first: how many subprocessors, in how many countries
    (`register_summary` counts them)."""

    subprocessors: int
    countries: int
    countries_outside_eea: int


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
    """When the published register last changed: its latest signed snapshot (a change in
    effect, an editorial correction, the recorded facts of a transfer or an importer, a link
    in the chain), or before the first, the latest such event on the audit trail."""
    snapshot = db.session.scalar(sa.select(_latest(RegisterSnapshot.taken_at)))
    recorded = db.session.scalar(
        sa.select(_latest(AuditEvent.occurred_at)).where(AuditEvent.action.in_(PUBLISHED_ACTIONS))
    )
    instants = [instant for instant in (snapshot, recorded) if instant is not None]
    return max(instants) if instants else None


def _latest(column) -> sa.ColumnElement:
    # The column's own type, so that SQLite too gives an aware UTC instant back.
    return sa.type_coerce(sa.func.max(column), UTCDateTime())
