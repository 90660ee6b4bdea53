"""Every verdict rule, row by row: the facts of a transfer, the verdict and the reasons."""

from datetime import date

import pytest

from transfers.grounds import Derogation, SccModule, TransferGround, TransferTool
from transfers.reasons import Verdict
from transfers.risk import Conclusion
from transfers.verdicts import AssessmentOnRecord, TransferFacts, judge

TODAY = date(2026, 11, 22)
VALID, ATTENTION, INVALID = Verdict.VALID, Verdict.NEEDS_ATTENTION, Verdict.NO_VALID_GROUND


def adequacy(decision=None):
    return TransferGround(TransferTool.ADEQUACY, adequacy_decision=decision)


def scc(module=SccModule.PROCESSOR_TO_PROCESSOR):
    return TransferGround(TransferTool.SCC, scc_module=module)


BCR = TransferGround(TransferTool.BCR)
EFFECTIVE = frozenset({"T-ENCRYPTED-STORAGE", "C-TRANSPARENCY"})
INEFFECTIVE = frozenset({"T-REMOTE-ACCESS-CONTROLS", "C-TRANSPARENCY"})
COMPLEMENTARY = frozenset({"C-TRANSPARENCY", "O-POLICIES"})
APPROVED = AssessmentOnRecord(Conclusion.ACCEPTABLE, date(2026, 3, 1),
                              next_review=date(2027, 3, 1))  # fmt: skip


def assessed(**changes):
    values = {"conclusion": Conclusion.ACCEPTABLE, "approved_on": date(2026, 3, 1),
              "next_review": date(2027, 3, 1)} | changes  # fmt: skip
    return AssessmentOnRecord(**values)


# (what the row proves, facts, day, verdict, reason codes worst first)
ROWS = [
    ("an EEA location is no transfer",
     TransferFacts("DE", None), TODAY, VALID, ["within_eea"]),
    ("a third-country location without a ground has none",
     TransferFacts("IN", None), TODAY, INVALID, ["no_ground"]),
    ("adequacy for a fully adequate country holds",
     TransferFacts("CH", adequacy("2000/518/EC")), TODAY, VALID, ["adequacy"]),
    ("adequacy without naming the decision uses the one in force",
     TransferFacts("JP", adequacy()), TODAY, VALID, ["adequacy"]),
    ("USA: adequacy holds for a DPF-certified importer",
     TransferFacts("US", adequacy("2023/1795"), importer_dpf_certified=True), TODAY, VALID,
     ["adequacy_scope_met"]),
    ("USA: adequacy fails for an importer that is not DPF-certified",
     TransferFacts("US", adequacy("2023/1795")), TODAY, INVALID, ["not_dpf_certified"]),
    ("Canada: adequacy needs an importer subject to PIPEDA",
     TransferFacts("CA", adequacy("2002/2/EC")), TODAY, INVALID, ["not_subject_to_pipeda"]),
    ("Canada: an importer subject to PIPEDA is covered",
     TransferFacts("CA", adequacy(), importer_subject_to_pipeda=True), TODAY, VALID,
     ["adequacy_scope_met"]),
    ("relying on the Privacy Shield after Schrems II fails",
     TransferFacts("US", adequacy("2016/1250"), importer_dpf_certified=True), TODAY, INVALID,
     ["decision_ended"]),
    ("relying on the Privacy Shield before Schrems II held",
     TransferFacts("US", adequacy("2016/1250"), importer_dpf_certified=True), date(2019, 1, 1),
     VALID, ["adequacy_scope_met"]),
    ("relying on a decision before it took effect fails",
     TransferFacts("US", adequacy("2023/1795"), importer_dpf_certified=True), date(2022, 1, 1),
     INVALID, ["no_adequacy"]),
    ("relying on another country's decision fails",
     TransferFacts("IN", adequacy("2019/419")), TODAY, INVALID, ["decision_elsewhere"]),
    ("relying on a decision that does not exist fails",
     TransferFacts("IN", adequacy("2099/1")), TODAY, INVALID, ["decision_unknown"]),
    ("adequacy for a country without a decision fails",
     TransferFacts("IN", adequacy()), TODAY, INVALID, ["no_adequacy"]),
    ("India: SCCs without a TIA need attention",
     TransferFacts("IN", scc(), measures=EFFECTIVE), TODAY, ATTENTION, ["scc_no_tia", "scc"]),
    ("SCCs with a TIA and an effective measure hold",
     TransferFacts("IN", scc(), measures=EFFECTIVE, assessment=APPROVED), TODAY, VALID,
     ["scc", "tia_approved"]),
    ("SCCs with a TIA and no measures hold: the assessment found none needed",
     TransferFacts("IN", scc(), assessment=APPROVED), TODAY, VALID, ["scc", "tia_approved"]),
    ("SCCs without a TIA or any measure need attention twice",
     TransferFacts("IN", scc()), TODAY, ATTENTION, ["scc_no_tia", "no_measures", "scc"]),
    ("only measures the EDPB does not consider effective need attention",
     TransferFacts("IN", scc(), measures=INEFFECTIVE), TODAY, ATTENTION,
     ["scc_no_tia", "only_ineffective_measures", "scc"]),
    ("only contractual and organisational measures need attention",
     TransferFacts("IN", scc(), measures=COMPLEMENTARY), TODAY, ATTENTION,
     ["scc_no_tia", "only_complementary_measures", "scc"]),
    ("with a TIA on record, the measures it settled on raise no flag",
     TransferFacts("IN", scc(), measures=COMPLEMENTARY, assessment=APPROVED), TODAY, VALID,
     ["scc", "tia_approved"]),
    ("an assessment concluding the transfer cannot go on leaves no valid ground",
     TransferFacts("IN", scc(), assessment=assessed(conclusion=Conclusion.NOT_ACCEPTABLE)),
     TODAY, INVALID, ["tia_not_acceptable", "scc"]),
    ("an assessment relying on measures none of which the EDPB considers effective there",
     TransferFacts("IN", scc(), role="follow_the_sun", measures=INEFFECTIVE,
                   assessment=assessed(conclusion=Conclusion.ACCEPTABLE_WITH_MEASURES)),
     TODAY, ATTENTION, ["tia_measures_ineffective", "scc"]),
    ("an assessment relying on an effective measure holds",
     TransferFacts("IN", scc(), role="storage", measures=EFFECTIVE,
                   assessment=assessed(conclusion=Conclusion.ACCEPTABLE_WITH_MEASURES)),
     TODAY, VALID, ["scc", "tia_approved"]),
    ("an assessment concluding the law does not reach the data needs no measure",
     TransferFacts("IN", scc(), role="follow_the_sun", measures=INEFFECTIVE,
                   assessment=assessed()), TODAY, VALID, ["scc", "tia_approved"]),
    ("an assessment approved after the day judged did not exist on it",
     TransferFacts("IN", scc(), measures=EFFECTIVE, assessment=assessed()), date(2026, 2, 1),
     ATTENTION, ["scc_no_tia", "scc"]),
    ("an assessment older than a change of the destination's laws in the catalogue",
     TransferFacts("IN", scc(), assessment=assessed(law_changed=True)), TODAY, ATTENTION,
     ["tia_law_changed", "scc"]),
    ("an assessment past its review date needs attention",
     TransferFacts("IN", scc(), assessment=assessed(next_review=date(2026, 11, 21))), TODAY,
     ATTENTION, ["tia_review_overdue", "scc"]),
    ("an assessment is still current on its review date",
     TransferFacts("IN", scc(), assessment=assessed(next_review=TODAY)), TODAY, VALID,
     ["scc", "tia_approved"]),
    ("an assessment older than a change of the register's facts needs attention",
     TransferFacts("IN", scc(), assessment=assessed(facts_changed=True)), TODAY, ATTENTION,
     ["tia_facts_changed", "scc"]),
    ("an assessment approved before the country's adequacy status changed needs attention",
     TransferFacts("US", scc(), assessment=assessed(approved_on=date(2023, 7, 1),
                                                    next_review=date(2027, 1, 1))),
     TODAY, ATTENTION, ["tia_status_changed", "scc"]),
    ("an assessment approved after the last change of status holds",
     TransferFacts("US", scc(), assessment=assessed(approved_on=date(2023, 7, 11),
                                                    next_review=date(2027, 1, 1))),
     TODAY, VALID, ["scc", "tia_approved"]),
    ("an effective measure counts where its use case fits the role",
     TransferFacts("IN", scc(), role="backup", measures=EFFECTIVE), TODAY, ATTENTION,
     ["scc_no_tia", "scc"]),
    ("an effective measure for another use case does not count: remote access is Use Case 7",
     TransferFacts("IN", scc(), role="follow_the_sun", measures=EFFECTIVE), TODAY, ATTENTION,
     ["scc_no_tia", "only_ineffective_measures", "scc"]),
    ("a measure code outside the catalogue is flagged, not fatal",
     TransferFacts("IN", scc(), measures=frozenset({"X-NONE"})), TODAY, ATTENTION,
     ["measure_unknown", "scc_no_tia", "no_measures", "scc"]),
    ("SCCs with a DPF-certified importer are covered by the partial decision",
     TransferFacts("US", scc(), importer_dpf_certified=True), TODAY, VALID, ["scc"]),
    ("the UK between the transition period and adequacy: not a third country",
     TransferFacts("GB", None), date(2021, 3, 1), VALID, ["interim_not_third_country"]),
    ("the UK under the 2021 decision, as amended by 2025/2574 to run to 27 December 2031",
     TransferFacts("GB", adequacy("2021/1772")), TODAY, VALID, ["adequacy"]),
    ("the UK under the renewal, an act amending the 2021 decision",
     TransferFacts("GB", adequacy("2025/2574")), TODAY, VALID, ["adequacy"]),
    ("the UK under the 2021 decision after its amended sunset",
     TransferFacts("GB", adequacy("2021/1772")), date(2031, 12, 27), INVALID, ["decision_ended"]),
    ("SCCs without a module need attention",
     TransferFacts("IN", scc(None), assessment=APPROVED), TODAY, ATTENTION,
     ["scc_no_module", "tia_approved"]),
    ("SCCs module 2 does not fit a processor engaging a subprocessor",
     TransferFacts("IN", scc(SccModule.CONTROLLER_TO_PROCESSOR), assessment=APPROVED), TODAY,
     ATTENTION, ["scc_wrong_module", "tia_approved"]),
    ("SCCs to an adequate country need no assessment",
     TransferFacts("JP", scc()), TODAY, VALID, ["scc"]),
    ("SCCs to a partially adequate country outside its scope need one",
     TransferFacts("US", scc(), measures=EFFECTIVE), TODAY, ATTENTION, ["scc_no_tia", "scc"]),
    ("BCRs without a TIA need attention",
     TransferFacts("IN", BCR, measures=EFFECTIVE), TODAY, ATTENTION, ["bcr_no_tia", "bcr"]),
    ("BCRs with a TIA and an effective measure hold",
     TransferFacts("IN", BCR, measures=EFFECTIVE, assessment=APPROVED), TODAY, VALID,
     ["bcr", "tia_approved"]),
    ("a derogation that does not say which fails",
     TransferFacts("IN", TransferGround(TransferTool.DEROGATION)), TODAY, INVALID,
     ["derogation_unnamed"]),
    ("a derogation without a justification fails",
     TransferFacts("IN", TransferGround(TransferTool.DEROGATION,
                                        derogation=Derogation.EXPLICIT_CONSENT)),
     TODAY, INVALID, ["derogation_unjustified"]),
    ("a named and justified derogation still needs attention for regular processing",
     TransferFacts("IN", TransferGround(TransferTool.DEROGATION, derogation=Derogation.LEGAL_CLAIMS,
                                        derogation_justification="Defence of a claim in Mumbai")),
     TODAY, ATTENTION, ["derogation_occasional"]),
    ("the UK was in the EEA until the end of 2020",
     TransferFacts("GB", None), date(2020, 12, 31), VALID, ["within_eea"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "day", "verdict", "codes"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_verdict(facts, day, verdict, codes):
    result = judge(facts, day)
    assert result.verdict is verdict
    assert [reason.code for reason in result.reasons] == codes


def test_the_what_if_turns_a_valid_dpf_transfer_into_no_valid_ground():
    facts = TransferFacts("US", adequacy("2023/1795"), importer_dpf_certified=True)
    assert judge(facts, date(2027, 2, 1)).verdict is VALID
    what_if = judge(facts, date(2027, 2, 1), {"2023/1795": date(2027, 1, 1)})
    assert what_if.verdict is INVALID
    assert what_if.reasons[0].message() == (
        "United States: the adequacy decision relied on (2023/1795) is assumed, for this what-if,"
        " to end on 2027-01-01"
    )


def test_the_what_if_does_not_touch_a_day_before_the_assumed_end():
    facts = TransferFacts("US", adequacy("2023/1795"), importer_dpf_certified=True)
    assert judge(facts, date(2026, 12, 31), {"2023/1795": date(2027, 1, 1)}).verdict is VALID


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (TransferFacts("US", adequacy("2023/1795")),
         "United States: relies on adequacy but the importer is not DPF-certified"),
        (TransferFacts("IN", scc(), measures=EFFECTIVE),
         "India: SCCs without a transfer impact assessment on record"),
        (TransferFacts("US", adequacy("2016/1250"), importer_dpf_certified=True),
         "United States: the adequacy decision relied on (2016/1250) ended on 2020-07-16"),
        (TransferFacts("IN", scc(), measures=INEFFECTIVE),
         "India: only measures the EDPB does not consider effective for this use case"),
    ],
)  # fmt: skip
def test_reasons_read_as_plain_words(facts, message):
    assert message in [reason.message() for reason in judge(facts, TODAY).reasons]


def test_the_rows_above_cover_every_reason_the_rules_can_give():
    from transfers.reasons import REASONS

    given = {code for _, facts, day, _, codes in ROWS for code in codes}
    given.add("decision_assumed_ended")  # the what-if tests above
    assert given == set(REASONS)
