"""What the assessments say of the transfers: which need one, the one each relied on on a day
(`on_record`, for the verdicts), what a draft still lacks, its risk figure, and the fingerprint
of the register's facts and the destination's laws that shows when an assessment is outdated."""

import calendar
import enum
import hashlib
import json
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry import clock
from registry.extensions import db
from registry.models import (
    ProcessingLocation,
    Subprocessor,
    TransferAssessment,
)
from registry.models.assessments import SETTLED
from registry.register.facts import location_facts
from registry.register.transfer_records import judged_record
from transfers import laws
from transfers.grounds import TransferTool
from transfers.risk import AccessPath, Conclusion, RiskFigure, RiskInputError
from transfers.risk import assess as assess_risk
from transfers.verdicts import AssessmentOnRecord, TransferFacts, assessment_needed

# The Art. 46 tools whose transfers need an assessment (SCC clause 14; BCRs after Schrems II).
ASSESSED_TOOLS = (TransferTool.SCC, TransferTool.BCR)


def needs_assessment(location: ProcessingLocation, on: date | None = None) -> bool:
    """Whether the location's transfer relies on SCCs or BCRs to a country whose law must be
    assessed: not the EEA, not an adequate country, not an importer a partial decision covers."""
    if location.transfer_tool not in ASSESSED_TOOLS:
        return False
    return assessment_needed(transfer_facts(location), on or clock.today())


def transfer_facts(
    location: ProcessingLocation, assessment: AssessmentOnRecord | None = None
) -> TransferFacts:
    """What the verdicts judge of a location's transfer (its subprocessor and measures loaded)."""
    measures = [measure.code for measure in location.measures]
    return location_facts(location, location.subprocessor, measures, assessment)


def series(location: ProcessingLocation) -> list[TransferAssessment]:
    """Every version of the location's assessment, newest first."""
    return list(
        db.session.scalars(
            sa.select(TransferAssessment)
            .where(TransferAssessment.location_id == location.id)
            .order_by(TransferAssessment.version.desc())
        )
    )


def missing_parts(assessment: TransferAssessment) -> list[str]:
    """What a draft still lacks before review, step by step, in plain words."""
    missing = []
    if not assessment.data_format.strip():
        missing.append(_("Step 1: the format of the data transferred."))
    if not assessment.access_from.strip():
        missing.append(_("Step 1: who accesses the data, and from where."))
    for finding in assessment.law_findings:
        if not finding.get("finding", "").strip():
            missing.append(_("Step 3: a finding on %(law)s.", law=law_title(finding["law"])))
    if not assessment.practice_findings.strip():
        missing.append(_("Step 3: the practice of the authorities and the importer's experience."))
    for entry in assessment.measures:
        if not entry.get("implementation", "").strip():
            missing.append(_("Step 4: how %(measure)s is implemented.", measure=entry["code"]))
    recorded = set(assessment.ground.get("measures", []))
    for entry in assessment.measures:
        if entry["code"] not in recorded:
            missing.append(
                _(
                    "Step 4: %(measure)s is not recorded for this transfer in the register; record "
                    "it there, or leave it out here.",
                    measure=entry["code"],
                )
            )
    if assessment.ground.get("tool") == TransferTool.SCC and assessment.scc_signed_on is None:
        missing.append(_("Step 5: the day the SCCs were signed."))
    if assessment.modifies_clauses and not assessment.authorisation.strip():
        missing.append(
            _(
                "Step 5: the supervisory authority's authorisation (Art. 46(3)(a) GDPR), since "
                "the measures modify the clauses."
            )
        )
    given = {path["law"] for path in assessment.risk_paths}
    for finding in assessment.law_findings:
        entry = laws.catalogue().get(finding["law"])
        if entry and entry.access and finding.get("applies") and entry.code not in given:
            missing.append(_("Risk: the probabilities for %(law)s.", law=law_title(entry.code)))
    if assessment.conclusion is None:
        missing.append(_("Conclusion: whether the transfer is acceptable."))
    elif assessment.conclusion is Conclusion.ACCEPTABLE_WITH_MEASURES and not assessment.measures:
        missing.append(_("Step 4: the measures the conclusion relies on."))
    if not assessment.reasoning.strip():
        missing.append(_("Conclusion: the reasoning."))
    return missing


def risk_figure(assessment: TransferAssessment) -> RiskFigure | None:
    """The risk computed from the assessment's inputs; None if they cannot be computed, or if
    the catalogue holds no law of the destination (a figure of 0 would then claim what nobody
    assessed)."""
    if not laws.laws_of(assessment.mapped["location"]["country"]):
        return None
    try:
        return assess_risk(access_paths(assessment.risk_paths), assessment.risk_years)
    except (RiskInputError, KeyError, TypeError):
        return None


def on_record(
    on: date | None = None, subprocessors: sa.Select | None = None
) -> dict[int, AssessmentOnRecord]:
    """The assessment each location relied on on `on` (today by default): the version approved
    by then and not yet superseded, as the verdicts take it, with whether the register's facts
    or the destination's laws in the catalogue changed since. `subprocessors` (a select of ids)
    narrows it to their locations."""
    on = on or clock.today()
    query = (
        sa.select(TransferAssessment)
        .where(TransferAssessment.state.in_(SETTLED))
        .options(selectinload(TransferAssessment.location).options(*FACT_LOADS))
        .order_by(TransferAssessment.location_id, TransferAssessment.version)
    )
    if subprocessors is not None:
        query = query.join(TransferAssessment.location).where(
            ProcessingLocation.subprocessor_id.in_(subprocessors)
        )
    relied_on: dict[int, TransferAssessment] = {}
    for assessment in db.session.scalars(query):
        approved = clock.local_date(assessment.approved_at)
        superseded = assessment.superseded_at and clock.local_date(assessment.superseded_at)
        if approved <= on and (superseded is None or on < superseded):
            relied_on[assessment.location_id] = assessment  # the latest such version wins
    found = {}
    for location_id, assessment in relied_on.items():
        mapped, ground = register_facts(assessment.location)
        found[location_id] = AssessmentOnRecord(
            conclusion=assessment.conclusion,
            approved_on=clock.local_date(assessment.approved_at),
            next_review=assessment.next_review_on,
            facts_changed=fingerprint(mapped, ground) != assessment.facts_fingerprint,
            law_changed=(
                laws_fingerprint(assessment.location.country_code) != assessment.laws_fingerprint
            ),
        )
    return found


def register_facts(location: ProcessingLocation) -> tuple[dict, dict]:
    """What the register says of the transfer: step 1's mapping and step 2's tool."""
    subprocessor = location.subprocessor

    def terms(listed) -> list[dict]:
        return [{"code": term.code, "name": term.name} for term in listed]

    mapped = {
        "subprocessor": {
            "id": subprocessor.id,
            "name": subprocessor.name,
            "legal_name": subprocessor.legal_name,
            "country": subprocessor.country_code,
        },
        "location": _place(location),
        "purposes": terms(subprocessor.purposes),
        "services": terms(subprocessor.services),
        "data_categories": terms(subprocessor.data_categories),
        "data_subject_categories": terms(subprocessor.data_subject_categories),
        "engaged_by": [entity.name for entity in subprocessor.entities],
        "locations": sorted(
            (_place(each) for each in subprocessor.locations),
            key=lambda place: (place["country"], place["role"], place["city"] or ""),
        ),
    }
    ground = {
        "tool": location.transfer_tool.value if location.transfer_tool else None,
        "scc_module": location.scc_module,
        "uk_tool": location.uk_tool.value if location.uk_tool else None,
        "swiss_adaptation": location.swiss_adaptation,
        "measures": sorted(measure.code for measure in location.measures),
        **_recorded_ground_facts(location),
    }
    return mapped, ground


# Facts of a transfer the register records since December 2026. Each counts in the fingerprint
# only once recorded, so that approved assessments are not re-opened by the upgrade itself.
LATER_GROUND_FACTS = (
    "scc_decision",
    "scc_signed_on",
    "bcr_group",
    "bcr_kind",
    "bcr_lead_authority",
    "bcr_approved_on",
    "bcr_importer_bound",
    "recipient_protection",
)


def _recorded_ground_facts(location: ProcessingLocation) -> dict:
    recorded = {name: getattr(location, name) for name in LATER_GROUND_FACTS}
    if location.subprocessor.hr_data:
        recorded["hr_data"] = True
    return {name: plain(value) for name, value in recorded.items() if value is not None}


def fingerprint(mapped: dict, ground: dict) -> str:
    """A hash of the facts a change of which re-opens the assessment: the subprocessor's
    locations, data and subject categories, and the transfer's ground and measures (not names,
    which can be corrected without changing the transfer)."""
    facts = {
        "locations": mapped["locations"],
        "data_categories": sorted(term["code"] for term in mapped["data_categories"]),
        "data_subject_categories": sorted(
            term["code"] for term in mapped["data_subject_categories"]
        ),
        "ground": ground,
    }
    text = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def laws_fingerprint(country: str) -> str:
    """A hash of everything the catalogue says of the laws of `country`, except the day each
    entry was last checked: checking it again without a change re-opens no assessment."""
    entries = [
        {name: str(value) for name, value in vars(entry).items() if name != "as_of"}
        for entry in laws.laws_of(country)
    ]
    text = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` months, on the month's last day where it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def access_paths(entries) -> list[AccessPath]:
    return [
        AccessPath(entry["law"], entry["request"], entry["covers"], entry["in_clear"])
        for entry in entries
    ]


def _place(location: ProcessingLocation) -> dict:
    return {"country": location.country_code, "role": location.role.value, "city": location.city}


def law_title(code: str) -> str:
    entry = laws.catalogue().get(code)
    return entry.title(str(get_locale() or "en")) if entry else code


def plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


# What the facts of a location need loaded, for `register_facts` over many locations.
FACT_LOADS = (
    selectinload(ProcessingLocation.measures),
    selectinload(ProcessingLocation.subprocessor).options(
        selectinload(Subprocessor.purposes),
        selectinload(Subprocessor.services),
        selectinload(Subprocessor.data_categories),
        selectinload(Subprocessor.data_subject_categories),
        selectinload(Subprocessor.entities),
        selectinload(Subprocessor.locations),
    ),
)


def verdict_if_approved(assessment: TransferAssessment, language: str) -> dict | None:
    """The verdict the transfer would get today if this version were approved now, with its
    reasons, in `language`; None before the version has a conclusion. Shown before submitting
    and before approving, so nobody approves an assessment that leaves the transfer as it was
    without knowing it (measures the EDPB does not find effective for the role, say)."""
    if assessment.conclusion is None:
        return None
    location = assessment.location
    today = clock.today()
    relied_on = AssessmentOnRecord(
        conclusion=assessment.conclusion,
        approved_on=today,
        next_review=add_months(today, assessment.review_interval_months),
        facts_changed=False,
        law_changed=False,
    )
    measures = [measure.code for measure in location.measures]
    facts = location_facts(location, location.subprocessor, measures, relied_on)
    return judged_record(facts, today, language)
