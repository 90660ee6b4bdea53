"""Reading the public register: the subprocessors on it, filtered, each as a plain record.

The page, the CSV file and the JSON API all render the same records, so they can never disagree.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.labels import LOCATION_ROLES
from registry.models import (
    Entity,
    ProcessingLocation,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
    VocabularyTerm,
)
from transfers.countries import country_name, is_eea


@dataclass(frozen=True)
class RegisterFilter:
    """Narrows the register to one country, recipient category or service (codes; None for all)."""

    country: str | None = None
    category: str | None = None
    service: str | None = None


def published_subprocessors(register_filter: RegisterFilter) -> list[Subprocessor]:
    """The active subprocessors that match the filter, by name, with everything a record shows.

    The number of statements is the same whatever the number of rows: each relation is loaded
    for all subprocessors at once.
    """
    query = (
        sa.select(Subprocessor)
        .where(Subprocessor.status == SubprocessorStatus.ACTIVE)
        .options(
            selectinload(Subprocessor.recipient_category),
            selectinload(Subprocessor.services),
            selectinload(Subprocessor.purposes),
            selectinload(Subprocessor.data_categories),
            selectinload(Subprocessor.data_subject_categories),
            selectinload(Subprocessor.entities),
            selectinload(Subprocessor.locations),
        )
        .order_by(sa.func.lower(Subprocessor.name))
    )
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
    return list(db.session.scalars(query))


def published_countries() -> list[str]:
    """The codes of the countries where active subprocessors process data."""
    query = (
        sa.select(ProcessingLocation.country_code)
        .join(ProcessingLocation.subprocessor)
        .where(Subprocessor.status == SubprocessorStatus.ACTIVE)
        .distinct()
    )
    return list(db.session.scalars(query))


def vocabulary(term_class: type[VocabularyTerm]) -> list[VocabularyTerm]:
    """Every term of a vocabulary, by name."""
    return list(db.session.scalars(sa.select(term_class).order_by(term_class.name)))


def entities() -> list[Entity]:
    """The organisation's own legal entities, by name."""
    return list(db.session.scalars(sa.select(Entity).order_by(Entity.name)))


def published_record(subprocessor: Subprocessor, language: str) -> dict:
    """Everything the public register says of a subprocessor, as JSON-ready values.

    Countries are ISO 3166-1 alpha-2 codes, each with its name in `language`.
    """
    return {
        "id": subprocessor.id,
        "name": subprocessor.name,
        "legal_name": subprocessor.legal_name,
        "address": subprocessor.address,
        "country": subprocessor.country_code,
        "country_name": country_name(subprocessor.country_code, language),
        "website": subprocessor.website,
        "recipient_category": _term(subprocessor.recipient_category, language),
        "purposes": [_term(term, language) for term in subprocessor.purposes],
        "services": [_term(term, language) for term in subprocessor.services],
        "data_categories": [_term(term, language) for term in subprocessor.data_categories],
        "data_subject_categories": [
            _term(term, language) for term in subprocessor.data_subject_categories
        ],
        "locations": [_location(location, language) for location in subprocessor.locations],
        "engaged_by": [
            {"name": entity.name, "country": entity.country_code}
            for entity in subprocessor.entities
        ],
        "status": subprocessor.status.value,
        "illustrative": subprocessor.illustrative,
    }


@dataclass(frozen=True)
class RegisterSummary:
    """The counts a reader takes in first: how many subprocessors, in how many countries."""

    subprocessors: int
    countries: int
    countries_outside_eea: int


def summarise(records: list[dict]) -> RegisterSummary:
    """Count the subprocessors in `records` and the distinct countries where they process data."""
    countries = {location["country"] for record in records for location in record["locations"]}
    return RegisterSummary(
        subprocessors=len(records),
        countries=len(countries),
        countries_outside_eea=sum(1 for code in countries if not is_eea(code)),
    )


def _term(term: VocabularyTerm, language: str) -> dict:
    return {"code": term.code, "name": term.label(language)}


def _location(location: ProcessingLocation, language: str) -> dict:
    return {
        "country": location.country_code,
        "country_name": country_name(location.country_code, language),
        "eea": is_eea(location.country_code),
        "city": location.city,
        "role": location.role.value,
        "role_name": str(LOCATION_ROLES[location.role]),
    }
