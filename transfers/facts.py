"""What is recorded of one transfer, as the verdicts take it: plain values, `None` for a fact
that is not recorded."""

from dataclasses import dataclass, field
from datetime import date

from transfers.grounds import TransferGround
from transfers.importers import Importer
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
    """What is recorded of one processing location's transfer.

    `role` is what happens there (a key of `measures.USE_CASES_BY_ROLE`); `hr_data` says the
    data include human resources data; `recipient_protection` names the special legal protection
    of the recipient (professional secrecy, say) that Use Case 4 of EDPB Recommendations 01/2020
    needs before its measure counts.
    """

    country: str
    ground: TransferGround | None
    role: str | None = None
    importer: Importer = field(default_factory=Importer)
    hr_data: bool = False
    recipient_protection: str | None = None
    measures: frozenset[str] = field(default_factory=frozenset)
    assessment: AssessmentOnRecord | None = None
