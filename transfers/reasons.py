"""The verdicts on a transfer and the reasons behind them, each in plain words.

`transfers.verdicts` decides which reasons apply; the registry translates the words (with the
same placeholders, as `%(name)s`) in `registry.labels.REASONS`, and a test keeps the two alike.
"""

import enum
from dataclasses import dataclass

from transfers.countries import country_name


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
    "decision_replaced": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the adequacy decision relied on ({decision}) was replaced on {ended}; update "
        "the reference to {successor}",
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
    "bcr": (
        Verdict.VALID,
        "{country}: binding corporate rules of {group}, approved by {authority} on {approved}",
    ),
    "scc_no_tia": (
        Verdict.NEEDS_ATTENTION,
        "{country}: SCCs without a transfer impact assessment on record",
    ),
    "bcr_no_tia": (
        Verdict.NEEDS_ATTENTION,
        "{country}: BCRs without a transfer impact assessment on record",
    ),
    "tia_approved": (
        Verdict.VALID,
        "{country}: transfer impact assessment approved on {approved}, to be reviewed by {due}",
    ),
    "tia_not_acceptable": (
        Verdict.NO_VALID_GROUND,
        "{country}: the transfer impact assessment approved on {approved} concludes that the "
        "transfer cannot go on",
    ),
    "tia_facts_changed": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the locations, data or measures of the transfer changed after its impact "
        "assessment was approved on {approved}",
    ),
    "tia_measures_ineffective": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the transfer impact assessment relies on supplementary measures, but none "
        "recorded is one the EDPB considers effective for what happens there",
    ),
    "tia_law_changed": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the laws of the country in the catalogue changed after the transfer impact "
        "assessment was approved on {approved}",
    ),
    "tia_status_changed": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the country's adequacy status changed on {changed}, after the transfer "
        "impact assessment was approved on {approved}",
    ),
    "tia_review_overdue": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the transfer impact assessment was due for review on {due}",
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
        "{country}: {derogation} without a justification",
    ),
    "derogation_controllers": (
        Verdict.NO_VALID_GROUND,
        "{country}: {derogation} rests on the data subject's consent or a contract with the "
        "controller; it is the controller's to invoke, not a processor's ground for engaging a "
        "subprocessor",
    ),
    "derogation_systematic": (
        Verdict.NO_VALID_GROUND,
        "{country}: {derogation} is for occasional transfers, and this location's processing is "
        "systematic (recital 111 GDPR; EDPB Guidelines 2/2018); mark it occasional only with the "
        "reason why",
    ),
    "derogation_authority_not_informed": (
        Verdict.NO_VALID_GROUND,
        "{country}: compelling legitimate interests need the supervisory authority informed of "
        "the transfer, and no date is recorded",
    ),
    "derogation_subjects_not_informed": (
        Verdict.NO_VALID_GROUND,
        "{country}: compelling legitimate interests need the data subjects informed of the "
        "transfer, and no date is recorded",
    ),
    "derogation_occasional": (
        Verdict.NEEDS_ATTENTION,
        "{country}: {derogation} for occasional transfers: each transfer must meet its "
        "conditions, read restrictively (EDPB Guidelines 2/2018)",
    ),
    "role_missing": (
        Verdict.NEEDS_ATTENTION,
        "{country}: what happens to the data there (storage, processing, remote access …) is not "
        "recorded, so no measure can be shown to protect them",
    ),
    "dpf_hr_not_covered": (
        Verdict.NO_VALID_GROUND,
        "{country}: the importer's Data Privacy Framework certification does not cover human "
        "resources data, and the transfer includes them",
    ),
    "dpf_hr_only": (
        Verdict.NO_VALID_GROUND,
        "{country}: the importer's Data Privacy Framework certification covers only human "
        "resources data",
    ),
    "dpf_scope_unrecorded": (
        Verdict.NEEDS_ATTENTION,
        "{country}: which data the importer's Data Privacy Framework certification covers (human "
        "resources data, other data or both) is not recorded",
    ),
    "dpf_unverified": (
        Verdict.NEEDS_ATTENTION,
        "{country}: nobody has recorded checking the importer's entry on the Data Privacy "
        "Framework List",
    ),
    "dpf_verification_stale": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the importer's entry on the Data Privacy Framework List was last checked on "
        "{verified}, more than 12 months ago",
    ),
    "dpf_recertification_unrecorded": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the importer's next Data Privacy Framework recertification date is not "
        "recorded",
    ),
    "dpf_recertification_overdue": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the importer's Data Privacy Framework recertification was due on {due}; "
        "check that it is still on the list",
    ),
    "scc_not_yet_in_force": (
        Verdict.NO_VALID_GROUND,
        "{country}: the Standard Contractual Clauses of Decision 2021/914 apply only from "
        "27 June 2021",
    ),
    "scc_signed_later": (
        Verdict.NO_VALID_GROUND,
        "{country}: the Standard Contractual Clauses were signed only on {signed}",
    ),
    "scc_importer_art_3_2": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the importer is subject to the GDPR under Art. 3(2), and the clauses of "
        "Decision 2021/914 are not meant for such an importer (recital 7; the Commission's "
        "Questions and Answers)",
    ),
    "scc_2010": (
        Verdict.VALID,
        "{country}: Standard Contractual Clauses 2010/87/EU signed before 27 September 2021, "
        "appropriate safeguards until 27 December 2022",
    ),
    "scc_2010_signed_unknown": (
        Verdict.NEEDS_ATTENTION,
        "{country}: Standard Contractual Clauses 2010/87/EU without the day they were signed",
    ),
    "scc_2010_signed_after_repeal": (
        Verdict.NO_VALID_GROUND,
        "{country}: Standard Contractual Clauses 2010/87/EU signed on {signed}, after their "
        "repeal took effect on 27 September 2021",
    ),
    "scc_2010_expired": (
        Verdict.NO_VALID_GROUND,
        "{country}: Standard Contractual Clauses 2010/87/EU ceased to provide appropriate "
        "safeguards on 27 December 2022",
    ),
    "bcr_importer_not_bound": (
        Verdict.NO_VALID_GROUND,
        "{country}: the importer is not bound by the binding corporate rules of {group}",
    ),
    "bcr_not_yet_approved": (
        Verdict.NO_VALID_GROUND,
        "{country}: the binding corporate rules of {group} were approved only on {approved}",
    ),
    "bcr_unrecorded": (
        Verdict.NEEDS_ATTENTION,
        "{country}: binding corporate rules without the group, their kind (BCR-C or BCR-P), the "
        "approving lead authority and date, and whether the importer is bound, all recorded",
    ),
    "bcr_controller_rules": (
        Verdict.NO_VALID_GROUND,
        "{country}: the binding corporate rules of {group} are controller rules (BCR-C); a "
        "subprocessor processes our customers' data as a processor, which processor rules "
        "(BCR-P) cover",
    ),
    "tia_clear_processing": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the data are processed in the clear there, where the EDPB finds no technical "
        "measure effective (Recommendations 01/2020, Use Case 6): an assessment that relies on "
        "measures cannot carry the transfer, only one that concludes the laws are not applied "
        "in a problematic way to it",
    ),
    "tia_clear_remote_access": (
        Verdict.NEEDS_ATTENTION,
        "{country}: the data are reached remotely in the clear from there, where the EDPB finds "
        "no technical measure effective (Recommendations 01/2020, Use Case 7): an assessment "
        "that relies on measures cannot carry the transfer, only one that concludes the laws "
        "are not applied in a problematic way to it",
    ),
    "transit_encryption_only": (
        Verdict.NEEDS_ATTENTION,
        "{country}: transport encryption protects data only while they pass through (Use Case "
        "3); for data stored, processed or reached there it is a baseline, not a supplementary "
        "measure",
    ),
    "protected_recipient_unrecorded": (
        Verdict.NEEDS_ATTENTION,
        "{country}: a protected-recipient measure (Use Case 4) counts only with the recipient's "
        "special legal protection recorded",
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
