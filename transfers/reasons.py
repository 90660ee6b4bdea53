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
