"""The residual risk of a transfer: the probability that an authority of the destination
obtains the transferred data in the clear, through access that falls short of the European
Essential Guarantees (EDPB Recommendations 02/2020), during the assessment period.

The method is the one practitioners use since Schrems II (C-311/18) to document Step 3 of EDPB
Recommendations 01/2020 (version 2.0) with figures, as published by David Rosenthal (VISCHER),
"Transfer Impact Assessment (TIA) for use under the GDPR and the Swiss DPA" (2021, spreadsheet
and explanatory notes, also published by the IAPP). For every law of the destination that lets
an authority obtain data from the importer (an access path; see `transfers.laws`), the assessor
estimates, for one year, the probability of each condition that must hold for that law to
deliver this transfer's data to the authority in the clear:

1. `request`: an authority seeks data under it in a year, by an order to the importer or by
   interception on the way (a law such as EO 12333 needs no order);
2. `covers`: what is sought reaches the data of this transfer (and not only other data);
3. `in_clear`: the data reach the authority readable, despite the supplementary measures and
   any challenge the importer brings.

A law the assessor finds does not reach the transfer takes no probabilities.

A path's yearly probability is the product of its three. Paths are taken as independent, so
the yearly probability that any of them succeeds is 1 - (1 - p1)(1 - p2)…, and over an
assessment period of n years 1 - (1 - p_year)^n. The figure supports, and never replaces, the
assessment of the law itself: the EDPB does not accept a low likelihood of access as a reason
to disregard laws that fall short of the European Essential Guarantees (Recommendations
01/2020, Step 3; Recommendations 02/2020).

Pure functions of their inputs: the same inputs give the same figure on every machine.
"""

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

FACTORS = ("request", "covers", "in_clear")
LONGEST_PERIOD = 30  # years; a longer period says nothing a review would not


class Conclusion(enum.StrEnum):
    """What the assessment concludes of the transfer."""

    ACCEPTABLE = "acceptable"  # the law and practice do not impinge on the tool
    ACCEPTABLE_WITH_MEASURES = "acceptable_with_measures"  # only with the measures recorded
    NOT_ACCEPTABLE = "not_acceptable"  # suspend or end the transfer (SCC clause 14(f), 16)


class RiskInputError(ValueError):
    """An input the method cannot take; the message says which and why."""


@dataclass(frozen=True)
class AccessPath:
    """The assessor's yearly probabilities for one law of the destination."""

    law: str
    request: float
    covers: float
    in_clear: float

    @property
    def yearly(self) -> float:
        """The probability that this law delivers the data in the clear within one year."""
        return self.request * self.covers * self.in_clear


@dataclass(frozen=True)
class PathFigure:
    path: AccessPath
    yearly: float
    over_period: float


@dataclass(frozen=True)
class RiskFigure:
    """The result, with every input that produced it."""

    years: int
    paths: tuple[PathFigure, ...]
    yearly: float
    over_period: float

    @property
    def years_per_access(self) -> float | None:
        """How many years pass, on average, before one access succeeds (1 / p_year, the mean
        of the geometric distribution); None when no path can succeed."""
        return 1 / self.yearly if self.yearly > 0 else None


def over_years(yearly: float, years: int) -> float:
    """The probability that an event of probability `yearly` per year happens at least once in
    `years` independent years: 1 - (1 - yearly)^years."""
    return 1 - (1 - yearly) ** years


def assess(paths: Iterable[AccessPath], years: int) -> RiskFigure:
    """The probability of access in the clear over `years` years, along every path.

    Raises RiskInputError for a probability outside [0, 1], a period outside 1 to 30 years or
    a law given twice. No path at all gives 0: the assessment found no law that reaches the
    data.
    """
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= LONGEST_PERIOD:
        raise RiskInputError(f"the period must be 1 to {LONGEST_PERIOD} whole years, not {years!r}")
    figures, seen = [], set()
    for path in paths:
        if path.law in seen:
            raise RiskInputError(f"{path.law} is given twice")
        seen.add(path.law)
        for factor in FACTORS:
            value = getattr(path, factor)
            if not isinstance(value, int | float) or math.isnan(value) or not 0 <= value <= 1:
                raise RiskInputError(
                    f"{path.law}: {factor} must be a probability from 0 to 1, not {value!r}"
                )
        figures.append(PathFigure(path, path.yearly, over_years(path.yearly, years)))
    untouched = math.prod(1 - figure.yearly for figure in figures)
    yearly = 1 - untouched
    return RiskFigure(years, tuple(figures), yearly, over_years(yearly, years))
