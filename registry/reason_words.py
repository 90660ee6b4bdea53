"""The words of each reason a verdict gives (`transfers.reasons.REASONS`), in every language the
registry serves; the same placeholders as the codes' English."""

from flask_babel import lazy_gettext as _l

# The words of each reason of transfers.verdicts.REASONS, to be translated; same placeholders.
REASONS = {
    "within_eea": _l("%(country)s: within the EEA, no transfer"),
    "interim_not_third_country": _l(
        "%(country)s: not a transfer to a third country under the interim arrangement of the "
        "EU-UK Trade and Cooperation Agreement (Art. FINPROV.10A)"
    ),
    "adequacy": _l("%(country)s: adequacy decision %(decision)s in force"),
    "adequacy_scope_met": _l(
        "%(country)s: the importer is within the scope of adequacy decision %(decision)s"
    ),
    "not_dpf_certified": _l(
        "%(country)s: relies on adequacy but the importer is not DPF-certified"
    ),
    "not_subject_to_pipeda": _l(
        "%(country)s: relies on adequacy but the importer is not subject to PIPEDA"
    ),
    "decision_ended": _l(
        "%(country)s: the adequacy decision relied on (%(decision)s) ended on %(ended)s"
    ),
    "decision_replaced": _l(
        "%(country)s: the adequacy decision relied on (%(decision)s) was replaced on %(ended)s; "
        "update the reference to %(successor)s"
    ),
    "decision_assumed_ended": _l(
        "%(country)s: the adequacy decision relied on (%(decision)s) is assumed, for this "
        "what-if, to end on %(ended)s"
    ),
    "decision_elsewhere": _l(
        "%(country)s: the decision relied on (%(decision)s) is not for this country"
    ),
    "decision_unknown": _l("%(country)s: %(decision)s is not an adequacy decision"),
    "no_adequacy": _l("%(country)s: no adequacy decision in force on %(day)s"),
    "no_ground": _l("%(country)s: no transfer ground recorded"),
    "scc": _l("%(country)s: Standard Contractual Clauses 2021/914, module %(module)s"),
    "scc_no_module": _l("%(country)s: SCCs without a module"),
    "scc_wrong_module": _l(
        "%(country)s: SCC module %(module)s does not fit a processor engaging a subprocessor "
        "(module 3)"
    ),
    "bcr": _l(
        "%(country)s: binding corporate rules of %(group)s, approved by %(authority)s on "
        "%(approved)s"
    ),
    "scc_no_tia": _l("%(country)s: SCCs without a transfer impact assessment on record"),
    "bcr_no_tia": _l("%(country)s: BCRs without a transfer impact assessment on record"),
    "tia_approved": _l(
        "%(country)s: transfer impact assessment approved on %(approved)s, to be reviewed by "
        "%(due)s"
    ),
    "tia_not_acceptable": _l(
        "%(country)s: the transfer impact assessment approved on %(approved)s concludes that "
        "the transfer cannot go on"
    ),
    "tia_facts_changed": _l(
        "%(country)s: the locations, data or measures of the transfer changed after its impact "
        "assessment was approved on %(approved)s"
    ),
    "tia_measures_ineffective": _l(
        "%(country)s: the transfer impact assessment relies on supplementary measures, but none "
        "recorded is one the EDPB considers effective for what happens there"
    ),
    "tia_law_changed": _l(
        "%(country)s: the laws of the country in the catalogue changed after the transfer "
        "impact assessment was approved on %(approved)s"
    ),
    "tia_status_changed": _l(
        "%(country)s: the country's adequacy status changed on %(changed)s, after the transfer "
        "impact assessment was approved on %(approved)s"
    ),
    "tia_review_overdue": _l(
        "%(country)s: the transfer impact assessment was due for review on %(due)s"
    ),
    "no_measures": _l("%(country)s: no supplementary measures recorded"),
    "measure_unknown": _l(
        "%(country)s: %(measure)s is not a measure of the EDPB Recommendations 01/2020 catalogue"
    ),
    "only_ineffective_measures": _l(
        "%(country)s: only measures the EDPB does not consider effective for this use case"
    ),
    "only_complementary_measures": _l(
        "%(country)s: only contractual or organisational measures, which cannot on their own "
        "prevent access by public authorities"
    ),
    "derogation_unnamed": _l("%(country)s: an Art. 49 derogation without naming which one"),
    "derogation_unjustified": _l("%(country)s: %(derogation)s without a justification"),
    "derogation_controllers": _l(
        "%(country)s: %(derogation)s rests on the data subject's consent or a contract with the "
        "controller; it is the controller's to invoke, not a processor's ground for engaging a "
        "subprocessor"
    ),
    "derogation_systematic": _l(
        "%(country)s: %(derogation)s is for occasional transfers, and this location's "
        "processing is systematic (recital 111 GDPR; EDPB Guidelines 2/2018); mark it "
        "occasional only with the reason why"
    ),
    "derogation_authority_not_informed": _l(
        "%(country)s: compelling legitimate interests need the supervisory authority informed "
        "of the transfer, and no date is recorded"
    ),
    "derogation_subjects_not_informed": _l(
        "%(country)s: compelling legitimate interests need the data subjects informed of the "
        "transfer, and no date is recorded"
    ),
    "derogation_occasional": _l(
        "%(country)s: %(derogation)s for occasional transfers: each transfer must meet its "
        "conditions, read restrictively (EDPB Guidelines 2/2018)"
    ),
    "role_missing": _l(
        "%(country)s: what happens to the data there (storage, processing, remote access …) is "
        "not recorded, so no measure can be shown to protect them"
    ),
    "dpf_hr_not_covered": _l(
        "%(country)s: the importer's Data Privacy Framework certification does not cover human "
        "resources data, and the transfer includes them"
    ),
    "dpf_hr_only": _l(
        "%(country)s: the importer's Data Privacy Framework certification covers only human "
        "resources data"
    ),
    "dpf_scope_unrecorded": _l(
        "%(country)s: which data the importer's Data Privacy Framework certification covers "
        "(human resources data, other data or both) is not recorded"
    ),
    "dpf_unverified": _l(
        "%(country)s: nobody has recorded checking the importer's entry on the Data Privacy "
        "Framework List"
    ),
    "dpf_verification_stale": _l(
        "%(country)s: the importer's entry on the Data Privacy Framework List was last checked "
        "on %(verified)s, more than 12 months ago"
    ),
    "dpf_recertification_unrecorded": _l(
        "%(country)s: the importer's next Data Privacy Framework recertification date is not "
        "recorded"
    ),
    "dpf_recertification_overdue": _l(
        "%(country)s: the importer's Data Privacy Framework recertification was due on %(due)s; "
        "check that it is still on the list"
    ),
    "scc_not_yet_in_force": _l(
        "%(country)s: the Standard Contractual Clauses of Decision 2021/914 apply only from 27 "
        "June 2021"
    ),
    "scc_signed_later": _l(
        "%(country)s: the Standard Contractual Clauses were signed only on %(signed)s"
    ),
    "scc_importer_art_3_2": _l(
        "%(country)s: the importer is subject to the GDPR under Art. 3(2), and the clauses of "
        "Decision 2021/914 are not meant for such an importer (recital 7; the Commission's "
        "Questions and Answers)"
    ),
    "scc_2010": _l(
        "%(country)s: Standard Contractual Clauses 2010/87/EU signed before 27 September 2021, "
        "appropriate safeguards until 27 December 2022"
    ),
    "scc_2010_signed_unknown": _l(
        "%(country)s: Standard Contractual Clauses 2010/87/EU without the day they were signed"
    ),
    "scc_2010_signed_after_repeal": _l(
        "%(country)s: Standard Contractual Clauses 2010/87/EU signed on %(signed)s, after their "
        "repeal took effect on 27 September 2021"
    ),
    "scc_2010_expired": _l(
        "%(country)s: Standard Contractual Clauses 2010/87/EU ceased to provide appropriate "
        "safeguards on 27 December 2022"
    ),
    "bcr_importer_not_bound": _l(
        "%(country)s: the importer is not bound by the binding corporate rules of %(group)s"
    ),
    "bcr_not_yet_approved": _l(
        "%(country)s: the binding corporate rules of %(group)s were approved only on %(approved)s"
    ),
    "bcr_unrecorded": _l(
        "%(country)s: binding corporate rules without the group, their kind (BCR-C or BCR-P), "
        "the approving lead authority and date, and whether the importer is bound, all recorded"
    ),
    "bcr_controller_rules": _l(
        "%(country)s: the binding corporate rules of %(group)s are controller rules (BCR-C); a "
        "subprocessor processes our customers' data as a processor, which processor rules "
        "(BCR-P) cover"
    ),
    "tia_clear_processing": _l(
        "%(country)s: the data are processed in the clear there, where the EDPB finds no "
        "technical measure effective (Recommendations 01/2020, Use Case 6): an assessment that "
        "relies on measures cannot carry the transfer, only one that concludes the laws are not "
        "applied in a problematic way to it"
    ),
    "tia_clear_remote_access": _l(
        "%(country)s: the data are reached remotely in the clear from there, where the EDPB "
        "finds no technical measure effective (Recommendations 01/2020, Use Case 7): an "
        "assessment that relies on measures cannot carry the transfer, only one that concludes "
        "the laws are not applied in a problematic way to it"
    ),
    "transit_encryption_only": _l(
        "%(country)s: transport encryption protects data only while they pass through (Use Case "
        "3); for data stored, processed or reached there it is a baseline, not a supplementary "
        "measure"
    ),
    "protected_recipient_unrecorded": _l(
        "%(country)s: a protected-recipient measure (Use Case 4) counts only with the "
        "recipient's special legal protection recorded"
    ),
}
