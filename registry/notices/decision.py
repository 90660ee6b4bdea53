"""What a customer decides an objection on: the facts of a change as announced.

At announcement the notice keeps, as codes and plain values, what the subprocessor does (its
purposes, services, data and data subjects, the entities of ours it serves) and each location
the change brings in, takes away or leaves as it is, with the facts of its transfer. A reader
sees them in their language, each transfer judged as on the day the change takes effect: the
country's status, the ground (SCC module, adequacy decision), the supplementary measures with
the EDPB's view of them, and what the change means for transfers out of the EEA.
"""

import enum
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import format_date

from registry import labels
from registry.extensions import db
from registry.models import (
    DataCategory,
    DataSubjectCategory,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    VocabularyTerm,
)
from registry.notices.kinds import Place
from registry.register.facts import IMPORTER_COLUMNS, LOCATION_COLUMNS, location_facts
from registry.register.transfer_records import VERDICT_KEYS, Judgement, transfer_record
from transfers.countries import country_name, is_eea

# The vocabularies of a subprocessor entry, by the key the records use.
TERMS: dict[str, type[VocabularyTerm]] = {
    "purposes": Purpose,
    "services": Service,
    "data_categories": DataCategory,
    "data_subject_categories": DataSubjectCategory,
}


def snapshot(
    subprocessor: Subprocessor,
    places: list[tuple[ProcessingLocation, Subprocessor, Place]],
    new_terms: dict[str, list[str]] | None = None,
) -> dict:
    """The facts a notice keeps of its change: codes and plain values, JSON-ready."""
    terms = {key: [term.code for term in getattr(subprocessor, key)] for key in TERMS}
    for key, codes in (new_terms or {}).items():
        terms[key] = [*terms[key], *[code for code in codes if code not in terms[key]]]
    return {
        "terms": terms,
        "new_terms": new_terms or {},
        "engaged_by": [entity.name for entity in subprocessor.entities],
        "locations": [
            {
                "place": place.value,
                "city": location.city,
                "location": _plain(location, LOCATION_COLUMNS),
                "measures": sorted(measure.code for measure in location.measures),
                "importer": _plain(importer, IMPORTER_COLUMNS),
            }
            for location, importer, place in places
        ],
    }


def decision_record(facts: dict, day: date, language: str) -> dict:
    """The facts of a change as a reader sees them, each transfer judged on `day` (the day the
    change takes effect), in `language`."""
    names = _term_names(facts["terms"], language)
    judgement = Judgement(day)
    locations = []
    for entry in facts["locations"]:
        location = _row(entry["location"], ProcessingLocation)
        importer = _row(entry["importer"], Subprocessor)
        transfer = transfer_record(
            location_facts(location, importer, entry["measures"]), judgement, language
        )
        locations.append(
            {
                "place": entry["place"],
                "country": location.country_code,
                "country_name": country_name(location.country_code, language),
                "city": entry["city"],
                "eea": is_eea(location.country_code, day),
                "role": location.role.value,
                "role_name": str(labels.LOCATION_ROLES[location.role]),
                # A notice is public: it gives the facts of a transfer, never the verdict.
                "transfer": {
                    key: value for key, value in transfer.items() if key not in VERDICT_KEYS
                },
            }
        )
    return {
        "judged_on": day.isoformat(),
        "judged_on_local": format_date(day, "long"),
        **{key: [names[key][code] for code in codes] for key, codes in facts["terms"].items()},
        "new_terms": {
            key: [names[key][code] for code in codes] for key, codes in facts["new_terms"].items()
        },
        "engaged_by": facts["engaged_by"],
        "locations": locations,
        "outside_eea": _outside_eea(locations, language),
    }


def _outside_eea(locations: list[dict], language: str) -> dict:
    """What the change does to transfers out of the EEA: the countries outside it that data
    newly go to, those it no longer goes to, and the grounds the change brings in."""
    before = {loc["country"] for loc in locations if loc["place"] != Place.NEW and not loc["eea"]}
    after = {
        loc["country"] for loc in locations if loc["place"] != Place.LEAVING and not loc["eea"]
    }
    grounds_before = {
        loc["transfer"]["ground_summary"]
        for loc in locations
        if loc["place"] != Place.NEW and loc["transfer"]["ground"]
    }
    new_grounds = []
    for loc in locations:
        summary = loc["transfer"]["ground_summary"]
        if loc["place"] == Place.NEW and summary and not loc["eea"] and summary not in new_grounds:
            if summary not in grounds_before:
                new_grounds.append(summary)
    return {
        "new_countries": [country_name(code, language) for code in sorted(after - before)],
        "ended_countries": [country_name(code, language) for code in sorted(before - after)],
        "new_grounds": new_grounds,
    }


def _term_names(terms: dict[str, list[str]], language: str) -> dict[str, dict[str, str]]:
    names = vocabulary_labels(language)
    return {key: {code: names[key].get(code, code) for code in terms.get(key, [])} for key in TERMS}


def vocabulary_labels(language: str) -> dict[str, dict[str, str]]:
    """Each vocabulary's labels in `language`, by code and by English name (what notices
    announced before codes were kept recorded), read once per request. The worker's
    application context lasts as long as the process, so outside a request nothing is kept:
    a term renamed meanwhile shows in the next email."""
    cache = g.setdefault("registry.vocabulary_labels", {}) if has_request_context() else {}
    if language not in cache:
        labelled = {}
        for key, model in {**TERMS, "recipient_category": RecipientCategory}.items():
            terms = db.session.scalars(sa.select(model)).all()
            labelled[key] = {term.code: term.label(language) for term in terms} | {
                term.name: term.label(language) for term in terms
            }
        cache[language] = labelled
    return cache[language]


def _plain(row, columns: tuple[str, ...]) -> dict:
    """The named columns of `row` as JSON values: enums by value, days in ISO 8601."""
    plain = {}
    for name in columns:
        value = getattr(row, name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        plain[name] = value
    return plain


def _row(plain: dict, model) -> SimpleNamespace:
    """What `_plain` kept, with each value of its column's type again."""
    values = {}
    for name, value in plain.items():
        column_type = model.__table__.c[name].type
        if value is not None and isinstance(column_type, sa.Enum) and column_type.enum_class:
            value = column_type.enum_class(value)
        elif value is not None and isinstance(column_type, sa.Date):
            value = date.fromisoformat(value)
        values[name] = value
    return SimpleNamespace(**values)
