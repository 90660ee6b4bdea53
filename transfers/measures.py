"""The supplementary measures of EDPB Recommendations 01/2020 (version 2.0), Annex 2.

Read once from `data/supplementary_measures.toml`, where each entry names its place in the
Recommendations. A use case says what the importer does with the data; each technical measure
answers one, and the EDPB's view of it decides whether it can carry a transfer.
"""

import enum
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MEASURES_FILE = Path(__file__).with_name("data") / "supplementary_measures.toml"
LANGUAGES = ("en", "de", "fr")


class MeasureKind(enum.StrEnum):
    TECHNICAL = "technical"
    CONTRACTUAL = "contractual"
    ORGANISATIONAL = "organisational"


class Effectiveness(enum.StrEnum):
    EFFECTIVE = "effective"
    NOT_EFFECTIVE = "not_effective"
    COMPLEMENTARY = "complementary"


# Which Annex 2 use cases can make a measure effective for what happens at a location, by its
# role (EDPB Recommendations 01/2020 version 2.0, Annex 2, Use Cases 1-7):
# - data stored or backed up can be encrypted with keys kept by the exporter (Use Case 1),
#   pseudonymised (2) or split (5);
# - data processed there is needed in the clear (Use Case 6) and support staff who reach it from
#   abroad see it in the clear (Use Case 7): the EDPB is "incapable of envisioning an effective
#   technical measure" for either, so only pseudonymisation (2) or split
#   processing (5) take the data out of the clear;
# - Use Case 3 covers only data that merely passes through a third country on its way to its
#   destination: transport encryption never protects data stored, processed or
#   reached *at* a destination, so it counts only for the transit role;
# - Use Case 4 (protected recipient) fits any role, but only where the recipient's
#   special legal protection is recorded as a fact of the transfer (see `verdicts`).
USE_CASES_BY_ROLE = {
    "storage": frozenset({"UC1", "UC2", "UC4", "UC5"}),
    "backup": frozenset({"UC1", "UC2", "UC4", "UC5"}),
    "processing": frozenset({"UC2", "UC4", "UC5"}),
    "support_access": frozenset({"UC2", "UC4"}),
    "follow_the_sun": frozenset({"UC2", "UC4"}),
    "transit": frozenset({"UC3"}),
}
# The roles at which the data are, by their nature, in the clear for the importer: Use Case 6
# (processing) and Use Case 7 (remote access). Source: as above, Use Cases 6 and 7.
IN_THE_CLEAR = {
    "processing": "UC6",
    "support_access": "UC7",
    "follow_the_sun": "UC7",
}
PROTECTED_RECIPIENT_USE_CASE = "UC4"


@dataclass(frozen=True)
class UseCase:
    code: str
    reference: str
    titles: dict[str, str]


@dataclass(frozen=True)
class Measure:
    code: str
    kind: MeasureKind
    effectiveness: Effectiveness
    use_case: UseCase | None
    titles: dict[str, str]

    def title(self, language: str) -> str:
        """The measure's title in `language`, English where it has none."""
        return self.titles.get(language) or self.titles["en"]


class UnknownMeasure(KeyError):
    """A measure code the catalogue does not hold; `code` is what was given."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def measure(code: str) -> Measure:
    """The measure with this code. Raises UnknownMeasure."""
    try:
        return catalogue()[code]
    except KeyError:
        raise UnknownMeasure(code) from None


@cache
def catalogue() -> dict[str, Measure]:
    """Every measure of the catalogue, by code, in the order of the Recommendations."""
    data = tomllib.loads(MEASURES_FILE.read_text(encoding="utf-8"))
    use_cases = {
        entry["code"]: UseCase(entry["code"], entry["reference"], _titles(entry))
        for entry in data["use_case"]
    }
    return {
        entry["code"]: Measure(
            code=entry["code"],
            kind=MeasureKind(entry["kind"]),
            effectiveness=Effectiveness(entry["effectiveness"]),
            use_case=use_cases[entry["use_case"]] if "use_case" in entry else None,
            titles=_titles(entry),
        )
        for entry in data["measure"]
    }


def _titles(entry: dict) -> dict[str, str]:
    return dict(zip(LANGUAGES, entry["title"], strict=True))
