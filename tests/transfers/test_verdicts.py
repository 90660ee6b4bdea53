"""Every verdict rule, row by row: the facts of a transfer, the verdict, the reasons, and the
source of the rule the row proves."""

from dataclasses import replace
from datetime import date

import pytest

from transfers.grounds import (
    BcrKind,
    BindingCorporateRules,
    Derogation,
    SccDecision,
    SccModule,
    TransferGround,
    TransferTool,
)
from transfers.importers import DpfEntry, DpfScope, Importer
from transfers.reasons import REASONS, Verdict
from transfers.risk import Conclusion
from transfers.verdicts import AssessmentOnRecord, TransferFacts, judge

TODAY = date(2026, 11, 30)
VALID, ATTENTION, INVALID = Verdict.VALID, Verdict.NEEDS_ATTENTION, Verdict.NO_VALID_GROUND

GDPR_45 = "Art. 45(1) GDPR"
GDPR_46 = "Art. 46(1) GDPR"
DPF = "Implementing Decision (EU) 2023/1795, Art. 1 and Annex I"
DPF_SP6 = DPF + ", Supplemental Principle 6 (annual recertification)"
DPF_SP9 = DPF + ", Supplemental Principle 9 (HR data)"
PIPEDA = "Decision 2002/2/EC, Art. 1"
SCC_2021 = "Implementing Decision (EU) 2021/914, Art. 4 and Annex, Module Three"
SCC_ART_3_2 = "Implementing Decision (EU) 2021/914, recital 7; Commission Q&A on the SCCs"
SCC_14 = "SCC 2021/914, clause 14; EDPB Recommendations 01/2020, Steps 3-6"
ANNEX_2 = "EDPB Recommendations 01/2020 v2.0, Annex 2"
BCR_47 = "Art. 4(20) and 47(1)(a) GDPR; WP257 rev.01 (BCR-P), endorsed by the EDPB"
ART_49 = "Art. 49(1) GDPR, recital 111; EDPB Guidelines 2/2018"
TCA = "EU-UK Trade and Cooperation Agreement, Art. FINPROV.10A"
WITHDRAWAL = "Withdrawal Agreement, Arts. 126-127"
SCHREMS_2 = "CJEU C-311/18, Schrems II, 16 July 2020"
UK = "Implementing Decision (EU) 2021/1772, Art. 4 as amended by 2025/1226 and 2025/2574"


def adequacy(decision=None):
    return TransferGround(TransferTool.ADEQUACY, adequacy_decision=decision)


def scc(module=SccModule.PROCESSOR_TO_PROCESSOR, **more):
    return TransferGround(TransferTool.SCC, scc_module=module, **more)


def derogation(which, justification="Defence of a claim in Mumbai", **more):
    return TransferGround(
        TransferTool.DEROGATION, derogation=which, derogation_justification=justification, **more
    )


def bcr(**recorded):
    values = {
        "group": "Cloudway group",
        "kind": BcrKind.PROCESSOR,
        "lead_authority": "CNIL",
        "approved_on": date(2022, 5, 1),
        "importer_bound": True,
    } | recorded
    return TransferGround(TransferTool.BCR, bcr=BindingCorporateRules(**values))


def listed(**recorded):
    values = {
        "name": "Cloudway Inc.",
        "scope": DpfScope.NON_HR,
        "verified_on": date(2026, 9, 1),
        "recertification_due": date(2027, 6, 1),
    } | recorded
    return Importer(dpf=DpfEntry(**values))


def assessed(**changes):
    values = {
        "conclusion": Conclusion.ACCEPTABLE,
        "approved_on": date(2026, 3, 1),
        "next_review": date(2027, 3, 1),
    } | changes
    return AssessmentOnRecord(**values)


def facts(country, ground, role="storage", **more):
    return TransferFacts(country, ground, role=role, **more)


EFFECTIVE = frozenset({"T-ENCRYPTED-STORAGE", "C-TRANSPARENCY"})
INEFFECTIVE = frozenset({"T-REMOTE-ACCESS-CONTROLS", "C-TRANSPARENCY"})
COMPLEMENTARY = frozenset({"C-TRANSPARENCY", "O-POLICIES"})
TRANSIT = frozenset({"T-TRANSIT-ENCRYPTION"})
PROTECTED = frozenset({"T-PROTECTED-RECIPIENT"})
APPROVED = assessed()
WITH_MEASURES = assessed(conclusion=Conclusion.ACCEPTABLE_WITH_MEASURES)
US_DPF = adequacy("2023/1795")

# (what the row proves, facts, day, verdict, reason codes worst first, source)
ROWS = [
    (
        "an EEA location is no transfer",
        facts("DE", None),
        TODAY,
        VALID,
        ["within_eea"],
        "Art. 44 GDPR; EEA Agreement",
    ),
    (
        "the UK was in the EEA until the end of 2020",
        facts("GB", None),
        date(2020, 12, 31),
        VALID,
        ["within_eea"],
        WITHDRAWAL,
    ),
    (
        "the UK between the transition period and adequacy: not a third country",
        facts("GB", None),
        date(2021, 3, 1),
        VALID,
        ["interim_not_third_country"],
        TCA,
    ),
    (
        "the UK under the 2021 decision, as amended by 2025/2574 to run to 27 December 2031",
        facts("GB", adequacy("2021/1772")),
        TODAY,
        VALID,
        ["adequacy"],
        UK,
    ),
    (
        "the UK under the renewal, an act amending the 2021 decision",
        facts("GB", adequacy("2025/2574")),
        TODAY,
        VALID,
        ["adequacy"],
        UK,
    ),
    (
        "the UK under the June 2025 extension, an act of the same series",
        facts("GB", adequacy("2025/1226")),
        TODAY,
        VALID,
        ["adequacy"],
        UK,
    ),
    (
        "the UK under the 2021 decision after its amended sunset",
        facts("GB", adequacy("2021/1772")),
        date(2031, 12, 27),
        INVALID,
        ["decision_ended"],
        UK,
    ),
    (
        "a third-country location without a ground has none",
        facts("IN", None),
        TODAY,
        INVALID,
        ["no_ground"],
        "Art. 44 GDPR",
    ),
    (
        "a third-country location without a role cannot be judged valid",
        facts("JP", adequacy(), role=None),
        TODAY,
        ATTENTION,
        ["role_missing", "adequacy"],
        ANNEX_2 + ", Step 4: the use case follows what happens there",
    ),
    (
        "adequacy for a fully adequate country holds",
        facts("CH", adequacy("2000/518/EC")),
        TODAY,
        VALID,
        ["adequacy"],
        GDPR_45,
    ),
    (
        "adequacy without naming the decision uses the one in force",
        facts("JP", adequacy()),
        TODAY,
        VALID,
        ["adequacy"],
        GDPR_45,
    ),
    (
        "USA: adequacy holds for an importer listed, in scope, checked and current",
        facts("US", US_DPF, importer=listed()),
        TODAY,
        VALID,
        ["adequacy_scope_met"],
        DPF,
    ),
    (
        "USA: adequacy fails for an importer not on the DPF List",
        facts("US", US_DPF),
        TODAY,
        INVALID,
        ["not_dpf_certified"],
        DPF,
    ),
    (
        "USA: HR data under a non-HR certification have no valid ground",
        facts("US", US_DPF, importer=listed(), hr_data=True),
        TODAY,
        INVALID,
        ["dpf_hr_not_covered"],
        DPF_SP9,
    ),
    (
        "USA: HR data under a certification covering them hold",
        facts("US", US_DPF, importer=listed(scope=DpfScope.BOTH), hr_data=True),
        TODAY,
        VALID,
        ["adequacy_scope_met"],
        DPF_SP9,
    ),
    (
        "USA: a certification whose scope is not recorded needs attention",
        facts("US", US_DPF, importer=listed(scope=None)),
        TODAY,
        ATTENTION,
        ["dpf_scope_unrecorded"],
        DPF_SP9,
    ),
    (
        "USA: an HR-only certification covers no other data",
        facts("US", US_DPF, importer=listed(scope=DpfScope.HR)),
        TODAY,
        INVALID,
        ["dpf_hr_only"],
        DPF_SP9,
    ),
    (
        "USA: an HR-only certification does not cover data that merely include HR data",
        facts("US", US_DPF, importer=listed(scope=DpfScope.HR), hr_data=True),
        TODAY,
        INVALID,
        ["dpf_hr_only"],
        DPF_SP9,
    ),
    (
        "USA: a listing checked only after the day judged proves nothing of that day",
        facts("US", US_DPF, importer=listed(verified_on=date(2026, 12, 5))),
        TODAY,
        ATTENTION,
        ["dpf_unverified"],
        DPF_SP6,
    ),
    (
        "USA: a listing nobody recorded checking needs attention",
        facts("US", US_DPF, importer=listed(verified_on=None)),
        TODAY,
        ATTENTION,
        ["dpf_unverified"],
        DPF_SP6,
    ),
    (
        "USA: a listing last checked more than 12 months ago needs attention",
        facts("US", US_DPF, importer=listed(verified_on=date(2025, 11, 29))),
        TODAY,
        ATTENTION,
        ["dpf_verification_stale"],
        DPF_SP6,
    ),
    (
        "USA: a listing checked exactly 12 months ago still counts",
        facts("US", US_DPF, importer=listed(verified_on=date(2025, 11, 30))),
        TODAY,
        VALID,
        ["adequacy_scope_met"],
        DPF_SP6,
    ),
    (
        "USA: a certification past its recertification date needs attention",
        facts("US", US_DPF, importer=listed(recertification_due=date(2026, 11, 1))),
        TODAY,
        ATTENTION,
        ["dpf_recertification_overdue"],
        DPF_SP6,
    ),
    (
        "USA: a certification without its recertification date needs attention",
        facts("US", US_DPF, importer=listed(recertification_due=None)),
        TODAY,
        ATTENTION,
        ["dpf_recertification_unrecorded"],
        DPF_SP6,
    ),
    (
        "Canada: adequacy needs an importer subject to PIPEDA",
        facts("CA", adequacy("2002/2/EC")),
        TODAY,
        INVALID,
        ["not_subject_to_pipeda"],
        PIPEDA,
    ),
    (
        "Canada: an importer subject to PIPEDA is covered",
        facts("CA", adequacy(), importer=Importer(subject_to_pipeda=True)),
        TODAY,
        VALID,
        ["adequacy_scope_met"],
        PIPEDA,
    ),
    (
        "relying on the Privacy Shield after Schrems II fails",
        facts("US", adequacy("2016/1250"), importer=listed()),
        TODAY,
        INVALID,
        ["decision_ended"],
        SCHREMS_2,
    ),
    (
        "relying on the Privacy Shield before Schrems II held",
        facts(
            "US",
            adequacy("2016/1250"),
            importer=listed(verified_on=date(2018, 6, 1), recertification_due=date(2019, 6, 1)),
        ),
        date(2019, 1, 1),
        VALID,
        ["adequacy_scope_met"],
        "Implementing Decision (EU) 2016/1250",
    ),
    (
        "relying on a decision before it took effect fails",
        facts("US", US_DPF, importer=listed()),
        date(2022, 1, 1),
        INVALID,
        ["no_adequacy"],
        DPF + ": applies from 10 July 2023",
    ),
    (
        "relying on another country's decision fails",
        facts("IN", adequacy("2019/419")),
        TODAY,
        INVALID,
        ["decision_elsewhere"],
        GDPR_45,
    ),
    (
        "relying on a decision that does not exist fails",
        facts("IN", adequacy("2099/1")),
        TODAY,
        INVALID,
        ["decision_unknown"],
        GDPR_45,
    ),
    (
        "adequacy for a country without a decision fails",
        facts("IN", adequacy()),
        TODAY,
        INVALID,
        ["no_adequacy"],
        GDPR_45,
    ),
    (
        "SCCs without a TIA need attention",
        facts("IN", scc(), measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "scc"],
        SCC_14,
    ),
    (
        "SCCs with a TIA and an effective measure hold",
        facts("IN", scc(), measures=EFFECTIVE, assessment=APPROVED),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        SCC_14,
    ),
    (
        "SCCs with a TIA and no measures hold: the assessment found none needed",
        facts("IN", scc(), assessment=APPROVED),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        SCC_14,
    ),
    (
        "SCCs without a TIA or any measure need attention twice",
        facts("IN", scc()),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "no_measures", "scc"],
        SCC_14,
    ),
    (
        "only measures the EDPB does not consider effective need attention",
        facts("IN", scc(), measures=INEFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "only_ineffective_measures", "scc"],
        ANNEX_2 + ", Use Case 7",
    ),
    (
        "only contractual and organisational measures need attention",
        facts("IN", scc(), measures=COMPLEMENTARY),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "only_complementary_measures", "scc"],
        ANNEX_2 + ", sections 2.2-2.3",
    ),
    (
        "transport encryption is no supplementary measure for data stored there",
        facts("IN", scc(), measures=TRANSIT),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "transit_encryption_only", "scc"],
        ANNEX_2 + ", Use Case 3",
    ),
    (
        "transport encryption counts for data merely passing through",
        facts("IN", scc(), role="transit", measures=TRANSIT),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "scc"],
        ANNEX_2 + ", Use Case 3",
    ),
    (
        "with a TIA on record, the measures it settled on raise no flag",
        facts("IN", scc(), measures=COMPLEMENTARY, assessment=APPROVED),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        SCC_14,
    ),
    (
        "an assessment concluding the transfer cannot go on leaves no valid ground",
        facts("IN", scc(), assessment=assessed(conclusion=Conclusion.NOT_ACCEPTABLE)),
        TODAY,
        INVALID,
        ["tia_not_acceptable", "scc"],
        "SCC 2021/914, clauses 14(f) and 16",
    ),
    (
        "China, processing, relying on transport encryption: Use Case 6, no measure works",
        facts("CN", scc(), role="processing", measures=TRANSIT, assessment=WITH_MEASURES),
        TODAY,
        ATTENTION,
        ["tia_clear_processing", "scc"],
        ANNEX_2 + ", Use Cases 3 and 6",
    ),
    (
        "China, support access, relying on transport encryption: Use Case 7, no measure works",
        facts("CN", scc(), role="support_access", measures=TRANSIT, assessment=WITH_MEASURES),
        TODAY,
        ATTENTION,
        ["tia_clear_remote_access", "scc"],
        ANNEX_2 + ", Use Cases 3 and 7",
    ),
    (
        "China without a role and an assessment relying on measures is not valid",
        facts("CN", scc(), role=None, measures=TRANSIT, assessment=WITH_MEASURES),
        TODAY,
        ATTENTION,
        ["role_missing", "scc", "tia_approved"],
        ANNEX_2 + ", Step 4",
    ),
    (
        "processing in the clear under an assessment that the laws do not reach it holds",
        facts("CN", scc(), role="processing", measures=TRANSIT, assessment=APPROVED),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        ANNEX_2 + ", Use Case 6; Recommendations, para. 43.3",
    ),
    (
        "processing pseudonymised data under an assessment relying on it holds",
        facts(
            "CN",
            scc(),
            role="processing",
            measures=frozenset({"T-PSEUDONYMISATION"}),
            assessment=WITH_MEASURES,
        ),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        ANNEX_2 + ", Use Case 2",
    ),
    (
        "an assessment relying on measures none of which works for storage needs attention",
        facts("IN", scc(), role="storage", measures=INEFFECTIVE, assessment=WITH_MEASURES),
        TODAY,
        ATTENTION,
        ["tia_measures_ineffective", "scc"],
        ANNEX_2 + ", Use Cases 1 and 6",
    ),
    (
        "an assessment relying on an effective measure holds",
        facts("IN", scc(), role="storage", measures=EFFECTIVE, assessment=WITH_MEASURES),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        ANNEX_2 + ", Use Case 1",
    ),
    (
        "a protected-recipient measure without the protection recorded does not count",
        facts("IN", scc(), role="processing", measures=PROTECTED, assessment=WITH_MEASURES),
        TODAY,
        ATTENTION,
        ["protected_recipient_unrecorded", "tia_clear_processing", "scc"],
        ANNEX_2 + ", Use Case 4",
    ),
    (
        "a protected-recipient measure with the protection recorded counts",
        facts(
            "IN",
            scc(),
            role="processing",
            measures=PROTECTED,
            assessment=WITH_MEASURES,
            recipient_protection="Advocates Act 1961, s. 126 privilege",
        ),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        ANNEX_2 + ", Use Case 4",
    ),
    (
        "an assessment approved after the day judged did not exist on it",
        facts("IN", scc(), measures=EFFECTIVE, assessment=assessed()),
        date(2026, 2, 1),
        ATTENTION,
        ["scc_no_tia", "scc"],
        SCC_14,
    ),
    (
        "an assessment older than a change of the destination's laws in the catalogue",
        facts("IN", scc(), assessment=assessed(law_changed=True)),
        TODAY,
        ATTENTION,
        ["tia_law_changed", "scc"],
        "SCC 2021/914, clause 14(e)",
    ),
    (
        "an assessment past its review date needs attention",
        facts("IN", scc(), assessment=assessed(next_review=date(2026, 11, 29))),
        TODAY,
        ATTENTION,
        ["tia_review_overdue", "scc"],
        "SCC 2021/914, clause 14(e)",
    ),
    (
        "an assessment is still current on its review date",
        facts("IN", scc(), assessment=assessed(next_review=TODAY)),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        "SCC 2021/914, clause 14(e)",
    ),
    (
        "an assessment older than a change of the register's facts needs attention",
        facts("IN", scc(), assessment=assessed(facts_changed=True)),
        TODAY,
        ATTENTION,
        ["tia_facts_changed", "scc"],
        "SCC 2021/914, clause 14(e)",
    ),
    (
        "an assessment approved before the country's adequacy status changed needs attention",
        facts(
            "US",
            scc(),
            assessment=assessed(approved_on=date(2023, 7, 1), next_review=date(2027, 1, 1)),
        ),
        TODAY,
        ATTENTION,
        ["tia_status_changed", "scc"],
        "SCC 2021/914, clause 14(e)",
    ),
    (
        "an assessment approved after the last change of status holds",
        facts(
            "US",
            scc(),
            assessment=assessed(approved_on=date(2023, 7, 11), next_review=date(2027, 1, 1)),
        ),
        TODAY,
        VALID,
        ["scc", "tia_approved"],
        SCC_14,
    ),
    (
        "an effective measure counts where its use case fits the role",
        facts("IN", scc(), role="backup", measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "scc"],
        ANNEX_2 + ", Use Case 1",
    ),
    (
        "an effective measure for another use case does not count: remote access is Use Case 7",
        facts("IN", scc(), role="follow_the_sun", measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "only_ineffective_measures", "scc"],
        ANNEX_2 + ", Use Case 7",
    ),
    (
        "a measure code outside the catalogue is flagged, not fatal",
        facts("IN", scc(), measures=frozenset({"X-NONE"})),
        TODAY,
        ATTENTION,
        ["measure_unknown", "scc_no_tia", "no_measures", "scc"],
        ANNEX_2,
    ),
    (
        "SCCs with a listed DPF importer are covered by the partial decision",
        facts("US", scc(), importer=listed()),
        TODAY,
        VALID,
        ["scc"],
        DPF + "; EDPB Recommendations 01/2020, Step 2",
    ),
    (
        "SCCs with a stale DPF listing need the assessment the listing would have spared",
        facts("US", scc(), importer=listed(verified_on=date(2019, 1, 1)), measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "scc"],
        DPF_SP6 + "; EDPB Recommendations 01/2020, Step 2",
    ),
    (
        "SCCs without a module need attention",
        facts("IN", scc(None), assessment=APPROVED),
        TODAY,
        ATTENTION,
        ["scc_no_module", "tia_approved"],
        SCC_2021,
    ),
    (
        "SCCs module 2 does not fit a processor engaging a subprocessor",
        facts("IN", scc(SccModule.CONTROLLER_TO_PROCESSOR), assessment=APPROVED),
        TODAY,
        ATTENTION,
        ["scc_wrong_module", "tia_approved"],
        SCC_2021,
    ),
    (
        "SCCs to an adequate country need no assessment",
        facts("JP", scc()),
        TODAY,
        VALID,
        ["scc"],
        "EDPB Recommendations 01/2020, Step 2",
    ),
    (
        "SCCs to a partially adequate country outside its scope need one",
        facts("US", scc(), measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["scc_no_tia", "scc"],
        SCC_14,
    ),
    (
        "SCC module 3 of 2021/914 did not exist before 27 June 2021",
        facts("IN", scc(), assessment=assessed(approved_on=date(2020, 1, 1))),
        date(2021, 6, 26),
        INVALID,
        ["scc_not_yet_in_force", "tia_approved"],
        SCC_2021,
    ),
    (
        "SCCs signed after the day judged were no ground on it",
        facts(
            "IN",
            scc(scc_signed_on=date(2026, 6, 1)),
            assessment=assessed(approved_on=date(2026, 1, 1)),
        ),
        date(2026, 5, 1),
        INVALID,
        ["scc_signed_later", "scc", "tia_approved"],
        SCC_2021,
    ),
    (
        "an importer subject to the GDPR under Art. 3(2) is not what 2021/914 is for",
        facts("IN", scc(), assessment=APPROVED, importer=Importer(subject_to_gdpr_art_3_2=True)),
        TODAY,
        ATTENTION,
        ["scc_importer_art_3_2", "scc", "tia_approved"],
        SCC_ART_3_2,
    ),
    (
        "the old SCCs signed before 27 September 2021 held until 27 December 2022",
        facts(
            "IN",
            scc(None, scc_decision=SccDecision.SCC_2010, scc_signed_on=date(2019, 5, 1)),
            assessment=assessed(approved_on=date(2021, 1, 1)),
        ),
        date(2022, 12, 26),
        VALID,
        ["scc_2010", "tia_approved"],
        "Implementing Decision (EU) 2021/914, Art. 4(4)",
    ),
    (
        "the old SCCs gave no ground from 27 December 2022",
        facts(
            "IN",
            scc(None, scc_decision=SccDecision.SCC_2010, scc_signed_on=date(2019, 5, 1)),
            assessment=APPROVED,
        ),
        TODAY,
        INVALID,
        ["scc_2010_expired", "tia_approved"],
        "Implementing Decision (EU) 2021/914, Art. 4(4)",
    ),
    (
        "the old SCCs signed after their repeal gave no ground",
        facts(
            "IN",
            scc(None, scc_decision=SccDecision.SCC_2010, scc_signed_on=date(2021, 10, 1)),
            assessment=assessed(approved_on=date(2021, 1, 1)),
        ),
        date(2022, 1, 1),
        INVALID,
        ["scc_2010_signed_after_repeal", "tia_approved"],
        "Implementing Decision (EU) 2021/914, Art. 4(2)-(3)",
    ),
    (
        "the old SCCs without their signature date need attention",
        facts(
            "IN",
            scc(None, scc_decision=SccDecision.SCC_2010),
            assessment=assessed(approved_on=date(2021, 1, 1)),
        ),
        date(2022, 1, 1),
        ATTENTION,
        ["scc_2010_signed_unknown", "tia_approved"],
        "Implementing Decision (EU) 2021/914, Art. 4",
    ),
    (
        "BCRs without a TIA need attention",
        facts("IN", bcr(), measures=EFFECTIVE),
        TODAY,
        ATTENTION,
        ["bcr_no_tia", "bcr"],
        SCC_14,
    ),
    (
        "BCRs with a TIA and an effective measure hold",
        facts("IN", bcr(), measures=EFFECTIVE, assessment=APPROVED),
        TODAY,
        VALID,
        ["bcr", "tia_approved"],
        BCR_47,
    ),
    (
        "an importer outside the group cannot rely on its BCRs",
        facts("IN", bcr(importer_bound=False), assessment=APPROVED),
        TODAY,
        INVALID,
        ["bcr_importer_not_bound", "tia_approved"],
        BCR_47,
    ),
    (
        "BCRs approved after the day judged were no ground on it",
        facts(
            "IN",
            bcr(approved_on=date(2026, 6, 1)),
            assessment=assessed(approved_on=date(2026, 1, 1)),
        ),
        date(2026, 5, 1),
        INVALID,
        ["bcr_not_yet_approved", "tia_approved"],
        BCR_47,
    ),
    (
        "BCRs without whose, which kind, by whom and when need attention",
        facts("IN", TransferGround(TransferTool.BCR), assessment=APPROVED),
        TODAY,
        ATTENTION,
        ["bcr_unrecorded", "tia_approved"],
        BCR_47,
    ),
    (
        "controller BCRs give no ground for data processed for our customers",
        facts("IN", bcr(kind=BcrKind.CONTROLLER), assessment=APPROVED),
        TODAY,
        INVALID,
        ["bcr_controller_rules", "tia_approved"],
        BCR_47,
    ),
    (
        "a derogation that does not say which fails",
        facts("IN", TransferGround(TransferTool.DEROGATION)),
        TODAY,
        INVALID,
        ["derogation_unnamed"],
        ART_49,
    ),
    (
        "a derogation without a justification fails",
        facts(
            "IN",
            derogation(
                Derogation.LEGAL_CLAIMS,
                None,
                derogation_occasional=True,
                derogation_occasional_reason="Two claims a year",
            ),
        ),
        TODAY,
        INVALID,
        ["derogation_unjustified"],
        ART_49,
    ),
    (
        "a derogation for a subprocessor's regular processing is no valid ground",
        facts("IN", derogation(Derogation.LEGAL_CLAIMS)),
        TODAY,
        INVALID,
        ["derogation_systematic"],
        ART_49,
    ),
    (
        "a derogation marked occasional without the reason is still systematic",
        facts("IN", derogation(Derogation.LEGAL_CLAIMS, derogation_occasional=True)),
        TODAY,
        INVALID,
        ["derogation_systematic"],
        ART_49,
    ),
    (
        "consent is the controller's derogation, not a processor's",
        facts(
            "IN",
            derogation(
                Derogation.EXPLICIT_CONSENT,
                derogation_occasional=True,
                derogation_occasional_reason="Rare escalations",
            ),
        ),
        TODAY,
        INVALID,
        ["derogation_controllers"],
        "Art. 49(1)(a)-(c) and 28(3)(a) GDPR",
    ),
    (
        "a contract with the data subject is the controller's derogation, not a processor's",
        facts(
            "IN",
            derogation(
                Derogation.CONTRACT_WITH_DATA_SUBJECT,
                derogation_occasional=True,
                derogation_occasional_reason="Rare escalations",
            ),
        ),
        TODAY,
        INVALID,
        ["derogation_controllers"],
        "Art. 49(1)(b) and 28(3)(a) GDPR",
    ),
    (
        "compelling legitimate interests without the authority and the people informed fail",
        facts(
            "IN",
            derogation(
                Derogation.COMPELLING_LEGITIMATE_INTERESTS,
                derogation_occasional=True,
                derogation_occasional_reason="One transfer in 2026",
            ),
        ),
        TODAY,
        INVALID,
        ["derogation_authority_not_informed", "derogation_subjects_not_informed"],
        "Art. 49(1) second subparagraph GDPR",
    ),
    (
        "compelling legitimate interests with both informed, occasional, need attention",
        facts(
            "IN",
            derogation(
                Derogation.COMPELLING_LEGITIMATE_INTERESTS,
                derogation_occasional=True,
                derogation_occasional_reason="One transfer in 2026",
                authority_informed_on=date(2026, 3, 1),
                data_subjects_informed_on=date(2026, 3, 2),
            ),
        ),
        TODAY,
        ATTENTION,
        ["derogation_occasional"],
        "Art. 49(1) second subparagraph GDPR",
    ),
    (
        "a named, justified, occasional derogation still needs attention",
        facts(
            "IN",
            derogation(
                Derogation.LEGAL_CLAIMS,
                derogation_occasional=True,
                derogation_occasional_reason="Two claims a year",
            ),
        ),
        TODAY,
        ATTENTION,
        ["derogation_occasional"],
        ART_49 + ", section 2.5",
    ),
]


@pytest.mark.parametrize(
    ("facts", "day", "verdict", "codes"),
    [row[1:5] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_verdict(facts, day, verdict, codes):
    result = judge(facts, day)
    assert result.verdict is verdict
    assert [reason.code for reason in result.reasons] == codes


def test_every_row_names_the_source_of_its_rule():
    assert all(len(row) == 6 and row[5].strip() for row in ROWS)


def test_the_china_case_is_not_valid_for_any_role():
    for role in ("processing", "support_access", "follow_the_sun", None):
        case = facts("CN", scc(), role=role, measures=TRANSIT, assessment=WITH_MEASURES)
        assert judge(case, TODAY).verdict is not VALID, role


def test_the_what_if_turns_a_valid_dpf_transfer_into_no_valid_ground():
    case = facts("US", US_DPF, importer=listed())
    assert judge(case, date(2027, 2, 1)).verdict is VALID
    what_if = judge(case, date(2027, 2, 1), {"2023/1795": date(2027, 1, 1)})
    assert what_if.verdict is INVALID
    assert what_if.reasons[0].message() == (
        "United States: the adequacy decision relied on (2023/1795) is assumed, for this what-if,"
        " to end on 2027-01-01"
    )


def test_the_what_if_does_not_touch_a_day_before_the_assumed_end():
    case = facts("US", US_DPF, importer=listed())
    assert judge(case, date(2026, 12, 31), {"2023/1795": date(2027, 1, 1)}).verdict is VALID


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            facts("US", US_DPF),
            "United States: relies on adequacy but the importer is not DPF-certified",
        ),
        (
            facts("IN", scc(), measures=EFFECTIVE),
            "India: SCCs without a transfer impact assessment on record",
        ),
        (
            facts("US", adequacy("2016/1250"), importer=listed()),
            "United States: the adequacy decision relied on (2016/1250) ended on 2020-07-16",
        ),
        (
            facts("IN", scc(), measures=INEFFECTIVE),
            "India: only measures the EDPB does not consider effective for this use case",
        ),
        (
            facts("IN", derogation(Derogation.LEGAL_CLAIMS)),
            "India: Art. 49(1)(e) is for occasional transfers, and this location's processing is "
            "systematic (recital 111 GDPR; EDPB Guidelines 2/2018); mark it occasional only with "
            "the reason why",
        ),
    ],
)
def test_reasons_read_as_plain_words(facts, message):
    assert message in [reason.message() for reason in judge(facts, TODAY).reasons]


def test_a_fact_left_unrecorded_never_makes_a_transfer_valid():
    complete = facts("US", US_DPF, importer=listed(scope=DpfScope.BOTH), hr_data=True)
    assert judge(complete, TODAY).verdict is VALID
    for name in ("scope", "verified_on", "recertification_due"):  # never a bare flag
        entry = replace(complete.importer.dpf, **{name: None})
        partial = replace(complete, importer=Importer(dpf=entry))
        assert judge(partial, TODAY).verdict is ATTENTION, name


REPLACED = """
[[decision]]
country = "NZ"
number = "2013/65/EU"
instrument = "Commission Implementing Decision 2013/65/EU"
name = "New Zealand"
celex = "32013D0065"
adopted = 2012-12-19
effective = 2012-12-19
ended = 2026-01-01
ended_kind = "replaced"
replaced_by = "2099/1"
scope = "full"
source = "a test"

[[decision]]
country = "NZ"
number = "2099/1"
instrument = "Commission Implementing Decision (EU) 2099/1"
name = "New Zealand, renewed"
celex = "32099D0001"
adopted = 2025-12-01
effective = 2026-01-01
scope = "full"
source = "a test"
"""


def test_a_reference_to_a_replaced_decision_asks_for_the_successor_not_no_valid_ground(
    monkeypatch,
):
    from transfers import adequacy as decisions_module

    replaced = decisions_module.load_decisions(REPLACED)
    monkeypatch.setattr(decisions_module, "decisions", lambda: replaced)
    decisions_module._decisions_by_country.cache_clear()
    try:
        result = judge(facts("NZ", adequacy("2013/65/EU")), TODAY)
    finally:
        decisions_module._decisions_by_country.cache_clear()
    assert result.verdict is ATTENTION
    assert [reason.code for reason in result.reasons] == ["decision_replaced"]
    assert result.reasons[0].params["successor"] == "2099/1"


def test_the_rows_above_cover_every_reason_the_rules_can_give():
    given = {code for row in ROWS for code in row[4]}
    given.add("decision_assumed_ended")  # the what-if tests above
    given.add("decision_replaced")  # the replaced decision above
    assert given == set(REASONS)
