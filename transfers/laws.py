"""The laws and practices of third countries that a transfer impact assessment looks at.

EDPB Recommendations 01/2020 (version 2.0), Step 3, asks the exporter to assess whether anything
in the law or practice of the destination country impinges on the transfer tool, measured against
the European Essential Guarantees (EDPB Recommendations 02/2020). This module is the catalogue of
what legal reads for a country: its surveillance and law-enforcement access powers, the redress
and oversight that limit them, and how far its data protection law binds the State.

The entries are data, in `data/third_country_laws.toml`, each with its official source, the day it
was last checked (`as_of`) and, where something could only be taken from a secondary source, the
URL of that source (`secondary`) and an `unconfirmed` note saying what to check. They are read
once and checked as they are read: an unknown kind or country, a duplicate code, a missing or
non-https source, a missing `as_of`, or an `access` flag that contradicts the kind is an error
naming the entry. Whether a law makes a transfer unsafe is not computed here; that is legal's
assessment.
"""

import enum
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from transfers.countries import InvalidCountryCode, country_code

LAWS_FILE = Path(__file__).with_name("data") / "third_country_laws.toml"
LANGUAGES = ("en", "de", "fr")

REQUIRED_FIELDS = frozenset(
    {
        "code",
        "country",
        "title",
        "citation",
        "kind",
        "access",
        "reaches",
        "summary",
        "source",
        "as_of",
    }
)
OPTIONAL_FIELDS = frozenset({"enacted", "amended_by", "unconfirmed", "secondary"})


class LawKind(enum.StrEnum):
    SURVEILLANCE = "surveillance"  # intelligence or national-security access
    LAW_ENFORCEMENT = "law_enforcement"  # criminal-investigation access, production orders
    REDRESS = "redress"  # oversight or redress mechanisms
    DATA_PROTECTION = "data_protection"  # the local data protection law and its limits


# The kinds of law that let a public authority obtain data from the importer.
ACCESS_KINDS = frozenset({LawKind.SURVEILLANCE, LawKind.LAW_ENFORCEMENT})


class LawDataError(ValueError):
    """The laws file says something impossible; the message names the entry."""


class UnknownLaw(KeyError):
    """A law code the catalogue does not hold; `code` is what was given."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Law:
    code: str  # "US-FISA-702"
    country: str  # ISO 3166-1 alpha-2
    titles: dict[str, str]
    citation: str  # "50 U.S.C. § 1881a"
    kind: LawKind
    access: bool  # whether it lets a public authority obtain data from the importer
    reaches: str
    summary: str
    source: str
    enacted: date | None
    amended_by: str | None
    unconfirmed: str | None  # what needs checking, or None where all is from the source
    as_of: date  # the day the entry was last checked against its sources
    secondary: str | None = None  # the secondary source a fact of the entry rests on

    @property
    def from_secondary_sources(self) -> bool:
        """Whether some of what the entry says rests on a secondary source, not the official one."""
        return self.secondary is not None

    def title(self, language: str) -> str:
        """The law's title in `language`, English where it has none."""
        return self.titles.get(language) or self.titles["en"]


def law(code: str) -> Law:
    """The law with this code. Raises UnknownLaw."""
    try:
        return catalogue()[code]
    except KeyError:
        raise UnknownLaw(code) from None


def laws_of(country: str) -> tuple[Law, ...]:
    """The laws catalogued for a country (alpha-2), in file order; () for a country with none."""
    return tuple(entry for entry in catalogue().values() if entry.country == country)


def assessed_countries() -> frozenset[str]:
    """The countries with at least one catalogued law."""
    return frozenset(entry.country for entry in catalogue().values())


@cache
def catalogue() -> dict[str, Law]:
    """Every law in the laws file, by code, in file order, checked."""
    return load_laws(LAWS_FILE.read_text(encoding="utf-8"))


def load_laws(text: str) -> dict[str, Law]:
    """Parse and check the text of a laws file. Raises LawDataError naming the entry."""
    try:
        entries = tomllib.loads(text).get("law", [])
    except tomllib.TOMLDecodeError as error:
        raise LawDataError(f"not valid TOML: {error}") from None
    laws: dict[str, Law] = {}
    for position, entry in enumerate(entries, start=1):
        parsed = _law(entry, position)
        if parsed.code in laws:
            raise LawDataError(f"{parsed.code}: duplicate code")
        laws[parsed.code] = parsed
    return laws


def _law(entry: dict, position: int) -> Law:
    label = str(entry.get("code") or f"entry {position}")
    missing = sorted(REQUIRED_FIELDS - entry.keys())
    if missing:
        raise LawDataError(f"{label}: missing {', '.join(missing)}")
    unknown = sorted(entry.keys() - REQUIRED_FIELDS - OPTIONAL_FIELDS)
    if unknown:
        raise LawDataError(f"{label}: unknown field {', '.join(unknown)}")
    try:
        country = country_code(entry["country"])
    except InvalidCountryCode as error:
        raise LawDataError(f"{label}: unknown country code {error.code!r}") from None
    try:
        kind = LawKind(entry["kind"])
    except ValueError:
        raise LawDataError(f"{label}: unknown kind {entry['kind']!r}") from None
    access = entry["access"]
    if not isinstance(access, bool):
        raise LawDataError(f"{label}: access must be true or false")
    if access != (kind in ACCESS_KINDS):
        expected = "true" if kind in ACCESS_KINDS else "false"
        raise LawDataError(f"{label}: access must be {expected} for a {kind} law")
    for field in ("source", "secondary"):
        url = entry.get(field)
        if field in entry and (not isinstance(url, str) or not url.startswith("https://")):
            raise LawDataError(f"{label}: {field} must be an https URL, not {url!r}")
    for field in ("enacted", "as_of"):
        day = entry.get(field)
        if day is not None and (not isinstance(day, date) or hasattr(day, "hour")):
            raise LawDataError(f"{label}: {field} must be a date, not {day!r}")
    for field in ("code", "citation", "reaches", "summary"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise LawDataError(f"{label}: {field} must be text")
    return Law(
        code=entry["code"],
        country=country,
        titles=_titles(entry["title"], label),
        citation=entry["citation"],
        kind=kind,
        access=access,
        reaches=entry["reaches"],
        summary=entry["summary"],
        source=entry["source"],
        enacted=entry.get("enacted"),
        amended_by=entry.get("amended_by"),
        unconfirmed=entry.get("unconfirmed"),
        as_of=entry["as_of"],
        secondary=entry.get("secondary"),
    )


def _titles(title: object, label: str) -> dict[str, str]:
    if (
        not isinstance(title, list)
        or len(title) != len(LANGUAGES)
        or not all(isinstance(text, str) and text.strip() for text in title)
    ):
        raise LawDataError(f"{label}: title must be [{', '.join(LANGUAGES)}], each non-empty")
    return dict(zip(LANGUAGES, title, strict=True))
