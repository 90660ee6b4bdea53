"""Adequacy decisions over time, and the status of a country on a date.

The decisions are data, in `data/adequacy_decisions.toml`, each with its source. They are read
once and checked as they are read: an unknown country, a decision that ends before it starts or
two decisions for a country in force at once is an error naming the entry.
"""

import enum
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from transfers.countries import InvalidCountryCode, country_code, is_eea

DECISIONS_FILE = Path(__file__).with_name("data") / "adequacy_decisions.toml"


class AdequacyDataError(ValueError):
    """The decisions file says something impossible; the message names the entry."""


class Scope(enum.StrEnum):
    FULL = "full"
    PARTIAL = "partial"


class Condition(enum.StrEnum):
    """What a partial decision asks of the importer before it covers the transfer."""

    US_FRAMEWORK_CERTIFIED = "us_framework_certified"  # Safe Harbour, Privacy Shield, DPF
    SUBJECT_TO_PIPEDA = "subject_to_pipeda"  # Canada, Decision 2002/2/EC Art. 1


class CountryStatus(enum.StrEnum):
    EEA = "eea"
    ADEQUATE = "adequate"
    PARTIALLY_ADEQUATE = "partially_adequate"
    THIRD_COUNTRY = "third_country"


@dataclass(frozen=True)
class AdequacyDecision:
    """One Commission decision finding a country's protection adequate, for the period it held."""

    country: str
    number: str  # "2023/1795": what a location records as the decision it relies on
    instrument: str  # "Commission Implementing Decision (EU) 2023/1795"
    name: str  # "EU-US Data Privacy Framework"
    celex: str
    adopted: date
    effective: date
    ended: date | None
    ended_reason: str | None
    scope: Scope
    condition: Condition | None
    scope_note: str | None
    source: str

    def in_force_on(self, day: date) -> bool:
        """Whether the decision applied on `day`: from `effective`, up to the day before `ended`."""
        return self.effective <= day and (self.ended is None or day < self.ended)


@dataclass(frozen=True)
class StatusOn:
    """A country's status on a day, and the decision that gives it (None for the EEA and none)."""

    country: str
    day: date
    status: CountryStatus
    decision: AdequacyDecision | None


def status(country: str, on: date, assume_ended: Mapping[str, date] | None = None) -> StatusOn:
    """The status of `country` (alpha-2) on `on`.

    `assume_ended` maps decision numbers (or CELEX ids) to a day from which that decision is to be
    treated as ended: "what if the DPF falls on 2027-01-01". Raises UnknownDecision for a number
    that names no decision, and InvalidCountryCode for a bad country.
    """
    code = country_code(country)
    if is_eea(code, on):
        return StatusOn(code, on, CountryStatus.EEA, None)
    assumptions = frozenset((assume_ended or {}).items())
    for decision in _decisions_by_country(assumptions).get(code, ()):
        if decision.in_force_on(on):
            kind = (
                CountryStatus.ADEQUATE
                if decision.scope is Scope.FULL
                else CountryStatus.PARTIALLY_ADEQUATE
            )
            return StatusOn(code, on, kind, decision)
    return StatusOn(code, on, CountryStatus.THIRD_COUNTRY, None)


class UnknownDecision(KeyError):
    """A number or CELEX id that names no adequacy decision; `reference` is what was given."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def decision(reference: str) -> AdequacyDecision:
    """The decision with this number ("2023/1795") or CELEX id ("32023D1795").

    Raises UnknownDecision.
    """
    key = reference.strip().upper()
    for candidate in decisions():
        if key in (candidate.number.upper(), candidate.celex.upper()):
            return candidate
    raise UnknownDecision(reference)


def in_force(on: date) -> list[AdequacyDecision]:
    """The decisions that apply on `on`, in the order of the decisions file."""
    return [entry for entry in decisions() if entry.in_force_on(on)]


@cache
def decisions() -> tuple[AdequacyDecision, ...]:
    """Every adequacy decision, past and present, from the decisions file, checked."""
    return load_decisions(DECISIONS_FILE.read_text(encoding="utf-8"))


def load_decisions(text: str) -> tuple[AdequacyDecision, ...]:
    """Parse and check the decisions file's text. Raises AdequacyDataError naming the entry."""
    entries = tomllib.loads(text).get("decision", [])
    parsed = tuple(_decision(entry) for entry in entries)
    _check_no_overlap(parsed)
    return parsed


def _decision(entry: dict) -> AdequacyDecision:
    label = f"{entry.get('country', '?')} {entry.get('number', '?')}"
    try:
        decision = AdequacyDecision(
            country=country_code(entry["country"]),
            number=entry["number"],
            instrument=entry["instrument"],
            name=entry["name"],
            celex=entry["celex"],
            adopted=entry["adopted"],
            effective=entry["effective"],
            ended=entry.get("ended"),
            ended_reason=entry.get("ended_reason"),
            scope=Scope(entry["scope"]),
            condition=Condition(entry["condition"]) if "condition" in entry else None,
            scope_note=entry.get("scope_note"),
            source=entry["source"],
        )
    except InvalidCountryCode as error:
        raise AdequacyDataError(f"{label}: unknown country code {error.code!r}") from None
    except (KeyError, ValueError) as error:
        raise AdequacyDataError(f"{label}: {error!r}") from None
    if decision.ended is not None and decision.ended <= decision.effective:
        raise AdequacyDataError(f"{label}: ends on {decision.ended}, before it takes effect")
    if (decision.scope is Scope.PARTIAL) != (decision.condition is not None):
        raise AdequacyDataError(f"{label}: a partial decision needs a condition, and only it")
    return decision


def _check_no_overlap(parsed: tuple[AdequacyDecision, ...]) -> None:
    by_country: dict[str, list[AdequacyDecision]] = {}
    for entry in parsed:
        by_country.setdefault(entry.country, []).append(entry)
    for entries in by_country.values():
        entries.sort(key=lambda entry: entry.effective)
        for earlier, later in zip(entries, entries[1:], strict=False):
            if earlier.ended is None or earlier.ended > later.effective:
                raise AdequacyDataError(
                    f"{later.country} {later.number}: in force from {later.effective} while "
                    f"{earlier.number} still is"
                )


@lru_cache(maxsize=64)
def _decisions_by_country(
    assumptions: frozenset[tuple[str, date]],
) -> dict[str, list[AdequacyDecision]]:
    by_country: dict[str, list[AdequacyDecision]] = {}
    ending = {decision(reference).number: day for reference, day in assumptions}
    for entry in decisions():
        day = ending.get(entry.number)
        if day is not None and (entry.ended is None or day < entry.ended):
            entry = replace(entry, ended=day, ended_reason="assumed for this what-if")
        by_country.setdefault(entry.country, []).append(entry)
    return by_country


def status_changed_on(
    country: str, on: date, assume_ended: Mapping[str, date] | None = None
) -> date | None:
    """The last day on or before `on` when a decision for `country` took effect or ended (the
    what-ifs of `assume_ended` included), or None if its status never changed that way: what
    makes an earlier transfer impact assessment of that country out of date."""
    code = country_code(country)
    assumptions = frozenset((assume_ended or {}).items())
    days = [
        day
        for entry in _decisions_by_country(assumptions).get(code, ())
        for day in (entry.effective, entry.ended)
        if day is not None and day <= on
    ]
    return max(days, default=None)
