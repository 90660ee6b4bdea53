"""Whether a transfer has a valid ground under Chapter V GDPR on a date, and why, in plain words.

`judge` is a pure function of the facts: the country, the ground recorded, the importer's
certifications, the measures and whether a transfer impact assessment is on record.
"""

import enum
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
)
from transfers.countries import country_name, interim_not_third_country
from transfers.grounds import SUBPROCESSOR_SCC_MODULE, TransferGround, TransferTool
from transfers.measures import USE_CASES_BY_ROLE, Effectiveness, MeasureKind, catalogue


class Verdict(enum.StrEnum):
    VALID = "valid"
    NEEDS_ATTENTION = "needs_attention"
    NO_VALID_GROUND = "no_valid_ground"


# Each reason: its verdict and its words; {country} and the other fields come from `params`.
REASONS: dict[str, tuple[Verdict, str]] = {
    "within_eea": (Verdict.VALID, "{country}: within the EEA, no transfer"),
    "interim_not_third_country": (
        Verdict.VALID,
        "{country}: not a transfer to a third country under the interim arrangement of the EU-UK "
        "Trade and Cooperation Agreement (Art. FINPROV.10A)",
    ),
    "adequacy": (Verdict.VALID, "{country}: adequacy decision {decision} in force"),
    "adequacy_scope_met": (
        Verdict.VALID,
        "{country}: the importer is within the scope of adequacy decision {decision}",
    ),
    "not_dpf_certified": (
        Verdict.NO_VALID_GROUND,
        "{country}: relies on adequacy but the importer is not DPF-certified",
    ),
    "not_subject_to_pipeda": (
        Verdict.NO_VALID_GROUND,
        "{country}: relies on adequacy but the importer is not subject to PIPEDA",
    ),
    "decision_ended": (
        Verdict.NO_VALID_GROUND,
        "{country}: the adequacy decision relied on ({decision}) ended on {ended}",
    ),
    "decision_assumed_ended": (
        Verdict.NO_VALID_GROUND,
        "{country}: the adequacy decision relied on ({decision}) is assumed, for this what-if, "
        "to end on {ended}",
    ),
    "decision_elsewhere": (
        Verdict.NO_VALID_GROUND,
        "{country}: the decision relied on ({decision}) is not for this country",
    ),
    "decision_unknown": (
        Verdict.NO_VALID_GROUND,
        "{country}: {decision} is not an adequacy decision",
    ),
    "no_adequacy": (Verdict.NO_VALID_GROUND, "{country}: no adequacy decision in force on {day}"),
    "no_ground": (Verdict.NO_VALID_GROUND, "{country}: no transfer ground recorded"),
    "scc": (Verdict.VALID, "{country}: Standard Contractual Clauses 2021/914, module {module}"),
    "scc_no_module": (Verdict.NEEDS_ATTENTION, "{country}: SCCs without a module"),
    "scc_wrong_module": (
        Verdict.NEEDS_ATTENTION,
        "{country}: SCC module {module} does not fit a processor engaging a subprocessor "
        "(module 3)",
    ),
    "bcr": (Verdict.VALID, "{country}: binding corporate rules"),
    "scc_no_tia": (
        Verdict.NEEDS_ATTENTION,
        "{country}: SCCs without a transfer impact assessment on record",
    ),
    "bcr_no_tia": (
        Verdict.NEEDS_ATTENTION,
        "{country}: BCRs without a transfer impact assessment on record",
    ),
    "no_measures": (Verdict.NEEDS_ATTENTION, "{country}: no supplementary measures recorded"),
    "measure_unknown": (
        Verdict.NEEDS_ATTENTION,
        "{country}: {measure} is not a measure of the EDPB Recommendations 01/2020 catalogue",
    ),
    "only_ineffective_measures": (
        Verdict.NEEDS_ATTENTION,
        "{country}: only measures the EDPB does not consider effective for this use case",
    ),
    "only_complementary_measures": (
        Verdict.NEEDS_ATTENTION,
        "{country}: only contractual or organisational measures, which cannot on their own "
        "prevent access by public authorities",
    ),
    "derogation_unnamed": (
        Verdict.NO_VALID_GROUND,
        "{country}: an Art. 49 derogation without naming which one",
    ),
    "derogation_unjustified": (
        Verdict.NO_VALID_GROUND,
        "{country}: an Art. 49 derogation without a justification",
    ),
    "derogation_occasional": (
        Verdict.NEEDS_ATTENTION,
        "{country}: Art. 49 derogations are for occasional transfers; a subprocessor's regular "
        "processing seldom qualifies",
    ),
}


@dataclass(frozen=True)
class Reason:
    """One finding: a code from REASONS and the values its words need (dates as ISO strings)."""

    code: str
    params: dict[str, str]

    @property
    def verdict(self) -> Verdict:
        return REASONS[self.code][0]

    def message(self) -> str:
        """The finding in English, the country by name."""
        params = {**self.params, "country": country_name(self.params["country"])}
        return REASONS[self.code][1].format(**params)


@dataclass(frozen=True)
class TransferFacts:
    """What is recorded of one processing location's transfer."""

    country: str
    ground: TransferGround | None
    role: str | None = None  # what happens there: a key of measures.USE_CASES_BY_ROLE
    importer_dpf_certified: bool = False
    importer_subject_to_pipeda: bool = False
    measures: frozenset[str] = field(default_factory=frozenset)
    tia_on_record: bool = False


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
    return _safeguard_reasons(facts, country_status)


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


def _safeguard_reasons(facts, country_status: StatusOn) -> list[Reason]:
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
    # An adequate country, or an importer within a partial decision's scope, needs no assessment
    # of the third country's law (EDPB Recommendations 01/2020, Step 2).
    decision_in_force = country_status.decision
    if decision_in_force and (
        decision_in_force.condition is None or _within_scope(decision_in_force, facts)
    ):
        return reasons
    if facts.tia_on_record:
        return reasons  # the assessment concludes which measures, if any, the transfer needs
    code = "scc_no_tia" if ground.tool is TransferTool.SCC else "bcr_no_tia"
    reasons.append(Reason(code, {"country": country}))
    measure_reason = _measures_reason(facts)
    if measure_reason:
        reasons.append(Reason(measure_reason, {"country": country}))
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
