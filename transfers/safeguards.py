"""Art. 46 GDPR: standard contractual clauses and binding corporate rules, assessed and
supplemented as EDPB Recommendations 01/2020 ask.

Each function returns the reasons (`transfers.reasons.Reason`) that one part of the law gives;
`transfers.verdicts.judge` puts them together.
"""

from datetime import date

from transfers.adequacy import StatusOn, status_changed_on
from transfers.facts import TransferFacts
from transfers.grounds import (
    SCC_2010_GRANDFATHER_ENDS,
    SCC_2010_REPEALED,
    SCC_2021_IN_FORCE,
    SUBPROCESSOR_SCC_MODULE,
    BcrKind,
    BindingCorporateRules,
    SccDecision,
)
from transfers.measures import (
    IN_THE_CLEAR,
    PROTECTED_RECIPIENT_USE_CASE,
    USE_CASES_BY_ROLE,
    Effectiveness,
    MeasureKind,
    catalogue,
)
from transfers.reasons import Reason
from transfers.risk import Conclusion


def scc_reasons(facts: TransferFacts, day: date) -> list[Reason]:
    """The clauses themselves: which decision's, in force on `day`, the right module, and an
    importer they are meant for."""
    country, ground = facts.country, facts.ground
    if ground.scc_decision is SccDecision.SCC_2010:
        reasons = _scc_2010_reasons(facts, day)
    elif day < SCC_2021_IN_FORCE:
        # Implementing Decision (EU) 2021/914, Art. 4: in force from 27 June 2021.
        reasons = [Reason("scc_not_yet_in_force", {"country": country})]
    elif ground.scc_module is None:
        reasons = [Reason("scc_no_module", {"country": country})]
    elif ground.scc_module != SUBPROCESSOR_SCC_MODULE:
        module = str(int(ground.scc_module))
        reasons = [Reason("scc_wrong_module", {"country": country, "module": module})]
    else:
        reasons = [Reason("scc", {"country": country, "module": "3"})]
    if ground.scc_signed_on is not None and ground.scc_signed_on > day:
        signed = ground.scc_signed_on.isoformat()
        reasons.append(Reason("scc_signed_later", {"country": country, "signed": signed}))
    if facts.importer.subject_to_gdpr_art_3_2 and ground.scc_decision is SccDecision.SCC_2021:
        # Implementing Decision (EU) 2021/914, recital 7 and Art. 1(1): the clauses are for
        # importers whose processing is not subject to the GDPR; the Commission's Questions and
        # Answers on the SCCs (25 May 2022) say so and announce clauses for the other case.
        reasons.append(Reason("scc_importer_art_3_2", {"country": country}))
    return reasons


def _scc_2010_reasons(facts: TransferFacts, day: date) -> list[Reason]:
    """Decision 2010/87/EU after its repeal: Implementing Decision (EU) 2021/914, Art. 4(2)-(4)."""
    country, signed_on = facts.country, facts.ground.scc_signed_on
    reasons = []
    if signed_on is None:
        reasons.append(Reason("scc_2010_signed_unknown", {"country": country}))
    elif signed_on >= SCC_2010_REPEALED:
        params = {"country": country, "signed": signed_on.isoformat()}
        reasons.append(Reason("scc_2010_signed_after_repeal", params))
    if day >= SCC_2010_GRANDFATHER_ENDS:
        reasons.append(Reason("scc_2010_expired", {"country": country}))
    if not reasons:
        reasons.append(Reason("scc_2010", {"country": country}))
    return reasons


def bcr_reasons(facts: TransferFacts, day: date) -> list[Reason]:
    """Art. 47 GDPR: rules approved by the competent supervisory authority and binding on every
    member of the group concerned, the importer included (Art. 47(1)(a)). A group that
    processes data for controllers outside it relies on processor BCRs (Art. 4(20) and 47(1);
    WP257 rev.01, endorsed by the EDPB; draft EDPB Recommendations 1/2026 will replace it);
    controller BCRs give no ground for customers' data."""
    country = facts.country
    bcr = facts.ground.bcr or BindingCorporateRules()
    group = bcr.group or "?"
    reasons = []
    if bcr.importer_bound is False:
        reasons.append(Reason("bcr_importer_not_bound", {"country": country, "group": group}))
    if bcr.approved_on is not None and bcr.approved_on > day:
        params = {"country": country, "group": group, "approved": bcr.approved_on.isoformat()}
        reasons.append(Reason("bcr_not_yet_approved", params))
    missing = [
        name
        for name in ("group", "kind", "lead_authority", "approved_on", "importer_bound")
        if getattr(bcr, name) is None
    ]
    if missing:
        reasons.append(Reason("bcr_unrecorded", {"country": country}))
    if bcr.kind is BcrKind.CONTROLLER:
        reasons.append(Reason("bcr_controller_rules", {"country": country, "group": group}))
    if not reasons:
        approved = bcr.approved_on.isoformat()
        params = {"country": country, "group": group, "authority": bcr.lead_authority}
        reasons.append(Reason("bcr", {**params, "approved": approved}))
    return reasons


def assessment_reasons(
    facts: TransferFacts, country_status: StatusOn, assume_ended
) -> list[Reason]:
    """SCC clause 14: the assessment must conclude the transfer can go on, and be kept up to
    date (clause 14(e)): reviewed when due, and again when the facts or the law change."""
    country, assessment = facts.country, facts.assessment
    approved = assessment.approved_on.isoformat()
    if assessment.conclusion is Conclusion.NOT_ACCEPTABLE:
        return [Reason("tia_not_acceptable", {"country": country, "approved": approved})]
    reasons = []
    if assessment.conclusion is Conclusion.ACCEPTABLE_WITH_MEASURES:
        reasons += _relied_on_measures_reasons(facts)
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
        due = assessment.next_review.isoformat()
        params = {"country": country, "approved": approved, "due": due}
        reasons.append(Reason("tia_approved", params))
    return reasons


def _relied_on_measures_reasons(facts: TransferFacts) -> list[Reason]:
    """An assessment that concludes the transfer is acceptable only with measures stands only on
    a measure the EDPB considers effective for what happens at the location (Annex 2). Where the
    data are in the clear (Use Cases 6 and 7) the EDPB sees none: only an assessment concluding
    that the laws are not applied in a problematic way to this transfer can carry it."""
    country = facts.country
    if facts.role is None or _effective_measures(facts):
        return []
    in_the_clear = IN_THE_CLEAR.get(facts.role)
    if in_the_clear == "UC6":
        return [Reason("tia_clear_processing", {"country": country})]
    if in_the_clear == "UC7":
        return [Reason("tia_clear_remote_access", {"country": country})]
    return [Reason("tia_measures_ineffective", {"country": country})]


def measures_reasons(facts: TransferFacts) -> list[Reason]:
    """EDPB 01/2020 Step 4, where no assessment settles it: is a measure recorded that the EDPB
    considers effective for what happens at the location? Also flags codes outside the catalogue
    and a protected-recipient measure without the protection recorded."""
    country = facts.country
    reasons = [
        Reason("measure_unknown", {"country": country, "measure": code})
        for code in sorted(facts.measures)
        if code not in catalogue()
    ]
    if _unprotected_recipient(facts):
        reasons.append(Reason("protected_recipient_unrecorded", {"country": country}))
    return reasons


def missing_measure_reason(facts: TransferFacts) -> Reason | None:
    """Why no recorded measure can carry the transfer, or None if one can (or the role, which
    decides it, is not recorded: `verdicts` says so on its own)."""
    recorded = _recorded(facts)
    code = None
    if not recorded:
        code = "no_measures"
    elif facts.role is None or _effective_measures(facts):
        return None
    elif any(_transit_only(item, facts) for item in recorded):
        code = "transit_encryption_only"
    elif any(item.kind is MeasureKind.TECHNICAL for item in recorded):
        code = "only_ineffective_measures"
    else:
        code = "only_complementary_measures"
    return Reason(code, {"country": facts.country})


def _recorded(facts: TransferFacts) -> list:
    return [catalogue()[code] for code in sorted(facts.measures) if code in catalogue()]


def _effective_measures(facts: TransferFacts) -> list:
    """The recorded measures the EDPB considers effective for the location's role."""
    fitting = USE_CASES_BY_ROLE.get(facts.role, frozenset())
    return [
        item
        for item in _recorded(facts)
        if item.effectiveness is Effectiveness.EFFECTIVE
        and item.use_case.code in fitting
        and (item.use_case.code != PROTECTED_RECIPIENT_USE_CASE or facts.recipient_protection)
    ]


def _transit_only(item, facts: TransferFacts) -> bool:
    # Use Case 3: transport encryption is a baseline wherever data are stored, processed or
    # reached, not a supplementary measure for them.
    return item.use_case is not None and item.use_case.code == "UC3" and facts.role != "transit"


def _unprotected_recipient(facts: TransferFacts) -> bool:
    return not facts.recipient_protection and any(
        item.use_case is not None and item.use_case.code == PROTECTED_RECIPIENT_USE_CASE
        for item in _recorded(facts)
    )
