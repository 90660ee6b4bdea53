"""Whether a transfer has a valid ground under Chapter V GDPR on a date, and why, in plain words.

`judge` is a pure function of the facts (`transfers.facts`): the country, the ground recorded,
what the importer is, the measures and the transfer impact assessment on record, if any. A fact
that is not recorded never counts in favour of the transfer.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from transfers.adequacy import (
    AdequacyDecision,
    Condition,
    CountryStatus,
    EndKind,
    StatusOn,
    UnknownDecision,
    decision,
    series,
    status,
    successor,
)
from transfers.countries import interim_not_third_country
from transfers.facts import AssessmentOnRecord, TransferFacts
from transfers.grounds import Derogation, TransferTool
from transfers.importers import DpfScope
from transfers.reasons import Reason, Verdict
from transfers.safeguards import (
    assessment_reasons,
    bcr_reasons,
    measures_reasons,
    missing_measure_reason,
    scc_reasons,
)

__all__ = ["AssessmentOnRecord", "TransferFacts", "TransferVerdict", "assessment_needed", "judge"]


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


def _reasons(facts: TransferFacts, country_status: StatusOn, assume_ended) -> list[Reason]:
    country = facts.country
    if country_status.status is CountryStatus.EEA:
        return [Reason("within_eea", {"country": country})]
    if interim_not_third_country(country, country_status.day):
        return [Reason("interim_not_third_country", {"country": country})]
    # What happens at the location decides which measures can work (EDPB Recommendations
    # 01/2020, Step 4): a transfer whose role is not recorded cannot be shown to be safe.
    role = [] if facts.role else [Reason("role_missing", {"country": country})]
    ground = facts.ground
    if ground is None:
        return [Reason("no_ground", {"country": country}), *role]
    if ground.tool is TransferTool.ADEQUACY:
        return _adequacy_reasons(facts, country_status, assume_ended) + role
    if ground.tool is TransferTool.DEROGATION:
        return _derogation_reasons(facts) + role
    return _safeguard_reasons(facts, country_status, assume_ended) + role


def _adequacy_reasons(facts, country_status: StatusOn, assume_ended) -> list[Reason]:
    """Art. 45 GDPR: a decision in force for the country, and the importer within its scope."""
    country = facts.country
    relied_on = facts.ground.adequacy_decision
    if relied_on:
        reasons = _relied_on_reasons(relied_on, country, country_status.day, assume_ended)
        if reasons:
            return reasons
    in_force = country_status.decision
    if in_force is None:
        return [Reason("no_adequacy", {"country": country, "day": country_status.day.isoformat()})]
    params = {"country": country, "decision": in_force.number}
    if in_force.condition is None:
        return [Reason("adequacy", params)]
    if in_force.condition is Condition.US_FRAMEWORK_CERTIFIED:
        return _framework_reasons(facts, params, country_status.day)
    if facts.importer.subject_to_pipeda:
        return [Reason("adequacy_scope_met", params)]
    return [Reason("not_subject_to_pipeda", params)]


def _relied_on_reasons(relied_on: str, country: str, day: date, assume_ended) -> list[Reason]:
    """What is wrong with the decision a location names, if anything. A decision is read as
    amended: naming it, or any act that amends it, relies on the series while it is in force.
    One that was replaced by a new decision asks for the reference to be updated; one that was
    invalidated (Safe Harbour, the Privacy Shield) or expired gives no ground after its end."""
    try:
        named = series(relied_on)[0]
    except UnknownDecision:
        return [Reason("decision_unknown", {"country": country, "decision": relied_on})]
    if named.country != country:
        return [Reason("decision_elsewhere", {"country": country, "decision": named.number})]
    if named.effective > day:
        return [Reason("no_adequacy", {"country": country, "day": day.isoformat()})]
    ended, assumed = _ended_by(named, day, assume_ended)
    if ended is None:
        return []
    params = {"country": country, "decision": named.number, "ended": ended.isoformat()}
    if assumed:
        return [Reason("decision_assumed_ended", params)]
    current = successor(named.number, day) if named.ended_kind is EndKind.REPLACED else None
    if current is not None:
        return [Reason("decision_replaced", {**params, "successor": current.number})]
    return [Reason("decision_ended", params)]


def _framework_reasons(facts: TransferFacts, params: dict, day: date) -> list[Reason]:
    """A US importer under the framework of the day (Safe Harbour, Privacy Shield, the DPF): on
    the list, certified for the data sent, and the listing checked and current.

    Source: Implementing Decision (EU) 2023/1795, Art. 1 and Annex I: Supplemental Principle 6
    (annual self-certification; organisations that fail to recertify are removed from the
    list) and Supplemental Principle 9 (HR data only under a certification that covers it).
    """
    entry = facts.importer.dpf
    if entry is None or not entry.listed:
        return [Reason("not_dpf_certified", params)]
    if not entry.covers(facts.hr_data):
        code = "dpf_hr_only" if entry.scope is DpfScope.HR else "dpf_hr_not_covered"
        return [Reason(code, params)]
    reasons = []
    if entry.scope is None:
        reasons.append(Reason("dpf_scope_unrecorded", params))
    # The 12 months are our diligence, not the law's: the list changes as organisations fail
    # to recertify each year, and a check after the day judged proves nothing of that day.
    if entry.verified_on is None or entry.verified_on > day:
        reasons.append(Reason("dpf_unverified", params))
    elif entry.verified_on < _a_year_before(day):
        verified = entry.verified_on.isoformat()
        reasons.append(Reason("dpf_verification_stale", {**params, "verified": verified}))
    if entry.recertification_due is None:
        reasons.append(Reason("dpf_recertification_unrecorded", params))
    elif entry.recertification_due < day:
        due = entry.recertification_due.isoformat()
        reasons.append(Reason("dpf_recertification_overdue", {**params, "due": due}))
    return reasons or [Reason("adequacy_scope_met", params)]


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _within_scope(partial: AdequacyDecision, facts: TransferFacts, day: date) -> bool:
    """Whether the importer is shown to be what a partial decision asks it to be: for the US,
    every dated fact of its listing in order, as the adequacy route itself asks."""
    if partial.condition is Condition.US_FRAMEWORK_CERTIFIED:
        found = _framework_reasons(facts, {"country": facts.country}, day)
        return [reason.code for reason in found] == ["adequacy_scope_met"]
    return facts.importer.subject_to_pipeda


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
    country, ground, day = facts.country, facts.ground, country_status.day
    if ground.tool is TransferTool.SCC:
        reasons = scc_reasons(facts, day)
    else:
        reasons = bcr_reasons(facts, day)
    reasons += measures_reasons(facts)
    if not _assessment_needed(facts, country_status):
        return reasons
    if facts.assessment is not None and facts.assessment.approved_on <= day:
        # The assessment concludes which measures, if any, the transfer needs. One approved
        # after the day being judged did not exist on it.
        return reasons + assessment_reasons(facts, country_status, assume_ended)
    code = "scc_no_tia" if ground.tool is TransferTool.SCC else "bcr_no_tia"
    reasons.append(Reason(code, {"country": country}))
    missing = missing_measure_reason(facts)
    return reasons + ([missing] if missing else [])


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
    if in_force is None:
        return True
    return not (in_force.condition is None or _within_scope(in_force, facts, country_status.day))


# Art. 49(1)(a)-(c): by their text, the data subject's explicit consent to the transfer, a
# contract between the data subject and the controller, or one the controller concludes in the
# data subject's interest. They are the controller's to invoke; a processor transfers only on
# the controller's documented instructions (Art. 28(3)(a) GDPR), never on them of its own.
CONTROLLERS_DEROGATIONS = frozenset(
    {
        Derogation.EXPLICIT_CONSENT,
        Derogation.CONTRACT_WITH_DATA_SUBJECT,
        Derogation.CONTRACT_IN_DATA_SUBJECT_INTEREST,
    }
)


def _derogation_reasons(facts: TransferFacts) -> list[Reason]:
    """Art. 49 GDPR, read with recital 111 and EDPB Guidelines 2/2018: derogations are for
    occasional transfers, interpreted restrictively, never a subprocessor's regular processing."""
    country, ground = facts.country, facts.ground
    if ground.derogation is None:
        return [Reason("derogation_unnamed", {"country": country})]
    params = {"country": country, "derogation": ground.derogation.article}
    reasons = []
    if ground.derogation in CONTROLLERS_DEROGATIONS:
        reasons.append(Reason("derogation_controllers", params))
    if not (ground.derogation_justification or "").strip():
        reasons.append(Reason("derogation_unjustified", params))
    # Every location in the register is systematic processing unless marked occasional, with
    # the reason why. Recital 111 names (b), (c) and (e) as occasional; EDPB Guidelines 2/2018
    # (section 1) read every derogation restrictively. Applying it to all is our policy.
    if not (ground.derogation_occasional and (ground.derogation_occasional_reason or "").strip()):
        reasons.append(Reason("derogation_systematic", params))
    if ground.derogation is Derogation.COMPELLING_LEGITIMATE_INTERESTS:
        # Art. 49(1) second subparagraph: the controller informs the supervisory authority and
        # the data subjects of the transfer.
        if ground.authority_informed_on is None:
            reasons.append(Reason("derogation_authority_not_informed", params))
        if ground.data_subjects_informed_on is None:
            reasons.append(Reason("derogation_subjects_not_informed", params))
    return reasons or [Reason("derogation_occasional", params)]
