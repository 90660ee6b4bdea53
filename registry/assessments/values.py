"""What an assessment's editor gives, and the checks it must pass before it is stored."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from registry import clock
from registry.assessments.facts import (
    access_paths,
    law_title,
)
from registry.domain import DomainError
from registry.models import (
    ProcessingLocation,
)
from registry.models.assessments import LONGEST_REVIEW_INTERVAL
from transfers import laws
from transfers.measures import catalogue
from transfers.risk import LONGEST_PERIOD, Conclusion, RiskInputError
from transfers.risk import assess as assess_risk


class AssessmentError(DomainError):
    """The step asked for cannot be taken; the message says why."""


class AssessmentIncomplete(AssessmentError):
    """A draft that cannot go to review yet; `missing` lists what it lacks, in plain words."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("This assessment is not complete yet."))
        self.missing = missing


@dataclass(frozen=True)
class AssessmentValues:
    """What the assessor writes, as a form gives it."""

    data_format: str = ""
    onward_transfers: str = ""
    access_from: str = ""
    law_findings: tuple[dict, ...] = ()  # {"law", "applies", "finding"}
    practice_findings: str = ""
    measures: tuple[dict, ...] = ()  # {"code", "implementation"}
    scc_signed_on: date | None = None
    docking_clause: bool = False
    modifies_clauses: bool = False
    authorisation: str = ""
    procedural_notes: str = ""
    review_interval_months: int = 12
    risk_years: int = 5
    risk_paths: tuple[dict, ...] = ()  # {"law", "request", "covers", "in_clear"}
    conclusion: Conclusion | None = None
    reasoning: str = ""


# The fields an assessor edits, in the order of the steps.
EDITABLE = tuple(AssessmentValues.__dataclass_fields__)


def check_values(values: AssessmentValues, location: ProcessingLocation) -> None:
    """Refuse values the assessment cannot hold, naming the first."""
    known_laws = {entry.code for entry in laws.laws_of(location.country_code)}
    for finding in values.law_findings:
        if finding.get("law") not in known_laws:
            raise AssessmentError(
                _("%(law)s is not a law of the catalogue for this country.", law=finding.get("law"))
            )
    for entry in values.measures:
        if entry.get("code") not in catalogue():
            raise AssessmentError(
                _("%(measure)s is not a measure of the EDPB catalogue.", measure=entry.get("code"))
            )
    if len({entry["code"] for entry in values.measures}) != len(values.measures):
        raise AssessmentError(_("A measure is listed twice."))
    reaching = {finding["law"] for finding in values.law_findings if finding.get("applies")}
    for path in values.risk_paths:
        if path.get("law") not in known_laws:
            raise AssessmentError(
                _("%(law)s is not a law of the catalogue for this country.", law=path.get("law"))
            )
        if path["law"] not in reaching:
            raise AssessmentError(
                _(
                    "%(law)s is marked as not reaching the transfer: it takes no probabilities.",
                    law=law_title(path["law"]),
                )
            )
    if not 1 <= values.review_interval_months <= LONGEST_REVIEW_INTERVAL:
        raise AssessmentError(
            _("The review interval must be 1 to %(months)d months.", months=LONGEST_REVIEW_INTERVAL)
        )
    if not 1 <= values.risk_years <= LONGEST_PERIOD:
        raise AssessmentError(
            _("The assessment period must be 1 to %(years)d years.", years=LONGEST_PERIOD)
        )
    try:
        assess_risk(access_paths(values.risk_paths), values.risk_years)
    except RiskInputError as error:
        problem = str(error)
        raise AssessmentError(
            _("The risk inputs cannot be used: %(problem)s", problem=problem)
        ) from None
    if values.scc_signed_on and values.scc_signed_on > clock.today():
        raise AssessmentError(_("The SCCs cannot have been signed in the future."))
    if values.conclusion is not None and not isinstance(values.conclusion, Conclusion):
        raise AssessmentError(_("Choose one of the conclusions offered."))
