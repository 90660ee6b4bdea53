"""Whether a transfer has a valid ground under Chapter V GDPR on a date, and why, in plain words.

`judge` is a pure function of the facts: the country, the ground recorded, the importer's
certifications, the measures and the transfer impact assessment on record, if any.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from transfers.adequacy import (
    AdequacyDecision,
    Condition,
    CountryStatus,
    StatusOn,
    UnknownDecision,
    decision,
    status,
    status_changed_on,
)
from transfers.countries import interim_not_third_country
from transfers.grounds import SUBPROCESSOR_SCC_MODULE, TransferGround, TransferTool
from transfers.measures import USE_CASES_BY_ROLE, Effectiveness, MeasureKind, catalogue
from transfers.reasons import Reason, Verdict
from transfers.risk import Conclusion


@dataclass(frozen=True)
class AssessmentOnRecord:
    """The approved transfer impact assessment a transfer relies on (SCC clause 14(b))."""

    conclusion: Conclusion
    approved_on: date
    next_review: date
    # The register's facts of the transfer (locations, data and subject categories, ground,
    # measures) differ from those the assessment was approved on.
    facts_changed: bool = False
    # The catalogue's laws of the destination (transfers.laws) changed since.
    law_changed: bool = False


@dataclass(frozen=True)
class TransferFacts:
    """What is recorded of one processing location's transfer."""

    country: str
    ground: TransferGround | None
    role: str | None = None  # what happens there: a key of measures.USE_CASES_BY_ROLE
    importer_dpf_certified: bool = False
    importer_subject_to_pipeda: bool = False
    measures: frozenset[str] = field(default_factory=frozenset)
    assessment: AssessmentOnRecord | None = None


@dataclass(frozen=True)
class TransferVerdict:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    status: StatusOn


def judge(
    facts: TransferFacts, on: date, assume_ended: Mapping[str, date] | None = None
) -> TransferVerdict:
    """The verdict on a transfer on `on`, with every reason, worst first.

    `assume_ended` is passed to `adequacy.status` for a what-if.
    """
    country_status = status(facts.country, on, assume_ended)
    reasons = _reasons(facts, country_status, assume_ended)
    worst = max(reasons, key=lambda reason: _SEVERITY[reason.verdict])
    ordered = sorted(reasons, key=lambda reason: -_SEVERITY[reason.verdict])
    return TransferVerdict(worst.verdict, tuple(ordered), country_status)


_SEVERITY = {Verdict.VALID: 0, Verdict.NEEDS_ATTENTION: 1, Verdict.NO_VALID_GROUND: 2}


def _reasons(facts, country_status: StatusOn, assume_ended) -> list[Reason]:
    country = facts.country
    if country_status.status is CountryStatus.EEA:
        return [Reason("within_eea", {"country": country})]
    if interim_not_third_country(country, country_status.day):
        return [Reason("interim_not_third_country", {"country": country})]
    ground = facts.ground
    if ground is None:
        return [Reason("no_ground", {"country": country})]
    if ground.tool is TransferTool.ADEQUACY:
        return _adequacy_reasons(facts, country_status, assume_ended)
    if ground.tool is TransferTool.DEROGATION:
        return _derogation_reasons(facts)
    return _safeguard_reasons(facts, country_status, assume_ended)


def _adequacy_reasons(facts, country_status: StatusOn, assume_ended) -> list[Reason]:
    """Art. 45 GDPR: a decision in force for the country, and the importer within its scope."""
    country = facts.country
    relied_on = facts.ground.adequacy_decision
    if relied_on:
        try:
            named = decision(relied_on)
        except UnknownDecision:
            return [Reason("decision_unknown", {"country": country, "decision": relied_on})]
        if named.country != country:
            return [Reason("decision_elsewhere", {"country": country, "decision": named.number})]
        if named.effective > country_status.day:
            params = {"country": country, "day": country_status.day.isoformat()}
            return [Reason("no_adequacy", params)]
        ended, assumed = _ended_by(named, country_status.day, assume_ended)
        if ended is not None:
            params = {"country": country, "decision": named.number, "ended": ended.isoformat()}
            return [Reason("decision_assumed_ended" if assumed else "decision_ended", params)]
    in_force = country_status.decision
    if in_force is None:
        return [Reason("no_adequacy", {"country": country, "day": country_status.day.isoformat()})]
    params = {"country": country, "decision": in_force.number}
    if in_force.condition is None:
        return [Reason("adequacy", params)]
    if _within_scope(in_force, facts):
        return [Reason("adequacy_scope_met", params)]
    if in_force.condition is Condition.US_FRAMEWORK_CERTIFIED:
        return [Reason("not_dpf_certified", params)]
    return [Reason("not_subject_to_pipeda", params)]


def _within_scope(partial: AdequacyDecision, facts: TransferFacts) -> bool:
    """Whether the importer is what a partial decision asks it to be."""
    if partial.condition is Condition.US_FRAMEWORK_CERTIFIED:
        return facts.importer_dpf_certified
    return facts.importer_subject_to_pipeda


def _ended_by(named: AdequacyDecision, day: date, assume_ended) -> tuple[date | None, bool]:
    """The day `named` ended, if it had by `day`, and whether that end is only assumed."""
    ended, assumed = named.ended, False
    for reference, assumed_end in (assume_ended or {}).items():
        if decision(reference) == named and (ended is None or assumed_end < ended):
            ended, assumed = assumed_end, True
    if ended is None or ended > day:
        return None, False
    return ended, assumed


def _safeguard_reasons(facts, country_status: StatusOn, assume_ended) -> list[Reason]:
    """Art. 46 GDPR: SCCs or BCRs, assessed and supplemented per EDPB Recommendations 01/2020."""
    country = facts.country
    ground = facts.ground
    reasons = []
    if ground.tool is TransferTool.SCC:
        if ground.scc_module is None:
            reasons.append(Reason("scc_no_module", {"country": country}))
        elif ground.scc_module != SUBPROCESSOR_SCC_MODULE:
            module = str(int(ground.scc_module))
            reasons.append(Reason("scc_wrong_module", {"country": country, "module": module}))
        else:
            reasons.append(Reason("scc", {"country": country, "module": "3"}))
    else:
        reasons.append(Reason("bcr", {"country": country}))
    unknown = sorted(code for code in facts.measures if code not in catalogue())
    reasons += [
        Reason("measure_unknown", {"country": country, "measure": code}) for code in unknown
    ]
    if not _assessment_needed(facts, country_status):
        return reasons
    if facts.assessment is not None and facts.assessment.approved_on <= country_status.day:
        # The assessment concludes which measures, if any, the transfer needs. One approved
        # after the day being judged did not exist on it.
        return reasons + _assessment_reasons(facts, country_status, assume_ended)
    code = "scc_no_tia" if ground.tool is TransferTool.SCC else "bcr_no_tia"
    reasons.append(Reason(code, {"country": country}))
    measure_reason = _measures_reason(facts)
    if measure_reason:
        reasons.append(Reason(measure_reason, {"country": country}))
    return reasons


def assessment_needed(facts: TransferFacts, on: date) -> bool:
    """Whether the transfer relies on SCCs or BCRs to a country whose law must be assessed."""
    if facts.ground is None or facts.ground.tool not in (TransferTool.SCC, TransferTool.BCR):
        return False
    country_status = status(facts.country, on)
    if country_status.status is CountryStatus.EEA:
        return False
    return _assessment_needed(facts, country_status)


def _assessment_needed(facts: TransferFacts, country_status: StatusOn) -> bool:
    # An adequate country, or an importer within a partial decision's scope, needs no assessment
    # of the third country's law (EDPB Recommendations 01/2020, Step 2).
    in_force = country_status.decision
    return not (in_force and (in_force.condition is None or _within_scope(in_force, facts)))


def _assessment_reasons(facts, country_status: StatusOn, assume_ended) -> list[Reason]:
    """SCC clause 14: the assessment must conclude the transfer can go on, and be kept up to
    date (clause 14(e)): reviewed when due, and again when the facts or the law change."""
    country, assessment = facts.country, facts.assessment
    approved = assessment.approved_on.isoformat()
    if assessment.conclusion is Conclusion.NOT_ACCEPTABLE:
        return [Reason("tia_not_acceptable", {"country": country, "approved": approved})]
    reasons = []
    if assessment.conclusion is Conclusion.ACCEPTABLE_WITH_MEASURES and _measures_reason(facts):
        # It relies on measures, but none recorded is one the EDPB considers effective for what
        # happens at the location (Recommendations 01/2020, Annex 2).
        reasons.append(Reason("tia_measures_ineffective", {"country": country}))
    if assessment.facts_changed:
        reasons.append(Reason("tia_facts_changed", {"country": country, "approved": approved}))
    if assessment.law_changed:
        reasons.append(Reason("tia_law_changed", {"country": country, "approved": approved}))
    changed = status_changed_on(country, country_status.day, assume_ended)
    if changed is not None and changed > assessment.approved_on:
        params = {"country": country, "approved": approved, "changed": changed.isoformat()}
        reasons.append(Reason("tia_status_changed", params))
    if country_status.day > assessment.next_review:
        params = {"country": country, "due": assessment.next_review.isoformat()}
        reasons.append(Reason("tia_review_overdue", params))
    if not reasons:
        params = {"country": country, "approved": approved,
                  "due": assessment.next_review.isoformat()}  # fmt: skip
        reasons.append(Reason("tia_approved", params))
    return reasons


def _measures_reason(facts: TransferFacts) -> str | None:
    """EDPB 01/2020 Step 4: is there a measure the EDPB considers effective for the use case?

    A technical measure counts only where its use case can describe the location's role.
    """
    recorded = [catalogue()[code] for code in sorted(facts.measures) if code in catalogue()]
    if not recorded:
        return "no_measures"
    plausible = USE_CASES_BY_ROLE.get(facts.role) if facts.role else None
    if any(
        item.effectiveness is Effectiveness.EFFECTIVE
        and (plausible is None or item.use_case.code in plausible)
        for item in recorded
    ):
        return None
    if any(item.kind is MeasureKind.TECHNICAL for item in recorded):
        return "only_ineffective_measures"
    return "only_complementary_measures"


def _derogation_reasons(facts: TransferFacts) -> list[Reason]:
    """Art. 49 GDPR, read with EDPB Guidelines 2/2018: occasional transfers, named and justified."""
    country = facts.country
    ground = facts.ground
    if ground.derogation is None:
        return [Reason("derogation_unnamed", {"country": country})]
    if not (ground.derogation_justification or "").strip():
        return [Reason("derogation_unjustified", {"country": country})]
    return [Reason("derogation_occasional", {"country": country})]
