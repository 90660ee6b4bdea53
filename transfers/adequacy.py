"""Adequacy decisions over time, as amended, and the status of a country on a date.

The decisions are data, in `data/adequacy_decisions.toml`, each with its source. An act that
amends a decision (`amends`) is not a period of adequacy of its own: it belongs to the series of
the decision it amends and may move that decision's end (`sets_end`), as the UK's sunset clause
was moved twice. A decision that ended because a new one took its place says so (`replaced_by`).
The file is read once and checked as it is read: an unknown country, a decision that ends before
it starts, two decisions for a country in force at once, an amendment of an unknown decision or
one that revives a decision already ended is an error naming the entry.
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


class EndKind(enum.StrEnum):
    """How a decision's series ended, or will end on the day recorded."""

    INVALIDATED = "invalidated"  # declared invalid by the Court of Justice (Art. 263/267 TFEU)
    EXPIRED = "expired"  # its own sunset clause, as amended
    REPLACED = "replaced"  # a new decision took its place; see `replaced_by`
    REPEALED = "repealed"  # repealed by the Commission (Art. 45(5) GDPR)


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
    # How the series ended (or, for a sunset clause, will end) on `ended`; None with no end.
    ended_kind: EndKind | None = None
    replaced_by: str | None = None  # the number of the decision that took its place
    amends: str | None = None  # for an amending act: the number of the decision it amends
    sets_end: date | None = None  # for an amending act: the end it gives the decision amended
    ended_as_adopted: date | None = None  # a base act's own end before any amendment
    secondary: str | None = None  # a secondary source some of the entry's facts rest on
    unconfirmed: str | None = None  # what no primary source confirmed

    @property
    def is_amendment(self) -> bool:
        return self.amends is not None

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
    treated as ended: "what if the DPF falls on 2027-01-01"; naming an amending act ends the
    decision it amends. Raises UnknownDecision for a number that names no decision, and
    InvalidCountryCode for a bad country.
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
    """The act with this number ("2023/1795") or CELEX id ("32023D1795"), amending acts included.

    Raises UnknownDecision.
    """
    key = reference.strip().upper()
    for candidate in decisions():
        if key in (candidate.number.upper(), candidate.celex.upper()):
            return candidate
    raise UnknownDecision(reference)


def series(reference: str) -> tuple[AdequacyDecision, ...]:
    """The decision `reference` belongs to, then the acts amending it in order of adoption.

    `reference` may name the decision or any of its amending acts. Raises UnknownDecision.
    """
    named = decision(reference)
    base = decision(named.amends) if named.is_amendment else named
    amendments = sorted(
        (entry for entry in decisions() if entry.amends == base.number),
        key=lambda entry: entry.adopted,
    )
    return (base, *amendments)


def in_force_for(reference: str, day: date) -> AdequacyDecision | None:
    """The decision of `reference`'s series that gives adequacy on `day`, as amended by then, or
    None if the series does not apply that day. Raises UnknownDecision."""
    base = series(reference)[0]
    return base if base.in_force_on(day) else None


def successor(reference: str, day: date) -> AdequacyDecision | None:
    """The decision in force on `day` that took the place of `reference`'s series, following one
    replacement after another; None if the series had not ended by replacement by `day` (an
    invalidated or expired decision has no successor) or no successor applies that day.
    Raises UnknownDecision."""
    current = series(reference)[0]
    while current.ended_kind is EndKind.REPLACED and current.ended is not None:
        if day < current.ended or current.replaced_by is None:
            return None
        current = decision(current.replaced_by)
        if current.in_force_on(day):
            return current
    return None


def in_force(on: date) -> list[AdequacyDecision]:
    """The decisions that give adequacy on `on`, in the order of the decisions file (amending acts
    are not listed: their decision is)."""
    return [entry for entry in decisions() if not entry.is_amendment and entry.in_force_on(on)]


@cache
def decisions() -> tuple[AdequacyDecision, ...]:
    """Every adequacy decision and amending act, past and present, from the decisions file,
    checked, each decision with the end its amending acts gave it."""
    return load_decisions(DECISIONS_FILE.read_text(encoding="utf-8"))


def load_decisions(text: str) -> tuple[AdequacyDecision, ...]:
    """Parse and check the decisions file's text. Raises AdequacyDataError naming the entry."""
    entries = tomllib.loads(text).get("decision", [])
    parsed = [_decision(entry) for entry in entries]
    bases = {entry.number: entry for entry in parsed if not entry.is_amendment}
    for act in sorted((e for e in parsed if e.is_amendment), key=lambda e: e.effective):
        bases[act.amends or ""] = _amended(bases, act)
    resolved = tuple(_in_series(entry, bases) for entry in parsed)
    _check_no_overlap(tuple(bases.values()))
    _check_replacements(bases)
    return resolved


def _decision(entry: dict) -> AdequacyDecision:
    label = f"{entry.get('country', '?')} {entry.get('number', '?')}"
    amendment = "amends" in entry
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
            scope=Scope(entry.get("scope", "full") if amendment else entry["scope"]),
            condition=Condition(entry["condition"]) if "condition" in entry else None,
            scope_note=entry.get("scope_note"),
            source=entry["source"],
            ended_kind=EndKind(entry["ended_kind"]) if "ended_kind" in entry else None,
            replaced_by=entry.get("replaced_by"),
            amends=entry.get("amends"),
            sets_end=entry.get("sets_end"),
            ended_as_adopted=entry.get("ended"),
            secondary=entry.get("secondary"),
            unconfirmed=entry.get("unconfirmed"),
        )
    except InvalidCountryCode as error:
        raise AdequacyDataError(f"{label}: unknown country code {error.code!r}") from None
    except (KeyError, ValueError) as error:
        raise AdequacyDataError(f"{label}: {error!r}") from None
    _check_entry(decision, label)
    return decision


def _check_entry(decision: AdequacyDecision, label: str) -> None:
    if decision.ended is not None and decision.ended <= decision.effective:
        raise AdequacyDataError(f"{label}: ends on {decision.ended}, before it takes effect")
    if decision.is_amendment:
        if decision.ended is not None or decision.ended_kind is not None:
            raise AdequacyDataError(f"{label}: an amending act ends with the decision it amends")
        if decision.sets_end is not None and decision.sets_end <= decision.effective:
            raise AdequacyDataError(f"{label}: sets an end before it takes effect")
        return
    if decision.sets_end is not None:
        raise AdequacyDataError(f"{label}: only an amending act sets another decision's end")
    if (decision.ended is None) != (decision.ended_kind is None):
        raise AdequacyDataError(f"{label}: an end needs its ended_kind, and only an end")
    if (decision.ended_kind is EndKind.REPLACED) != (decision.replaced_by is not None):
        raise AdequacyDataError(f"{label}: a replaced decision names replaced_by, and only it")
    if (decision.scope is Scope.PARTIAL) != (decision.condition is not None):
        raise AdequacyDataError(f"{label}: a partial decision needs a condition, and only it")


def _amended(bases: dict[str, AdequacyDecision], act: AdequacyDecision) -> AdequacyDecision:
    """The decision `act` amends, with the end `act` gives it. An act may move the end of a
    decision still in force on the day the act takes effect; it cannot revive an ended one."""
    label = f"{act.country} {act.number}"
    base = bases.get(act.amends or "")
    if base is None or base.country != act.country:
        raise AdequacyDataError(f"{label}: amends {act.amends}, no decision for {act.country}")
    if not base.in_force_on(act.effective):
        raise AdequacyDataError(
            f"{label}: takes effect on {act.effective}, when {base.number} is not in force"
        )
    if act.sets_end is None:
        return base
    return replace(base, ended=act.sets_end)


def _in_series(entry: AdequacyDecision, bases: dict[str, AdequacyDecision]) -> AdequacyDecision:
    """A decision as amended; an amending act in force, scoped and ending as its decision."""
    if not entry.is_amendment:
        return bases[entry.number]
    base = bases[entry.amends or ""]
    return replace(
        entry,
        ended=base.ended,
        ended_kind=base.ended_kind,
        scope=base.scope,
        condition=base.condition,
    )


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


def _check_replacements(bases: dict[str, AdequacyDecision]) -> None:
    for entry in bases.values():
        if entry.replaced_by is None:
            continue
        successor = bases.get(entry.replaced_by)
        if successor is None or successor.country != entry.country:
            raise AdequacyDataError(
                f"{entry.country} {entry.number}: replaced by {entry.replaced_by}, "
                f"no decision for {entry.country}"
            )


@lru_cache(maxsize=64)
def _decisions_by_country(
    assumptions: frozenset[tuple[str, date]],
) -> dict[str, list[AdequacyDecision]]:
    by_country: dict[str, list[AdequacyDecision]] = {}
    ending = {series(reference)[0].number: day for reference, day in assumptions}
    for entry in decisions():
        if entry.is_amendment:
            continue
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
    makes an earlier transfer impact assessment of that country out of date. An amendment that
    only moves a decision's end changes no status."""
    code = country_code(country)
    assumptions = frozenset((assume_ended or {}).items())
    days = [
        day
        for entry in _decisions_by_country(assumptions).get(code, ())
        for day in (entry.effective, entry.ended)
        if day is not None and day <= on
    ]
    return max(days, default=None)
