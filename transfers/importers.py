"""What is recorded of the importer: dated facts a partial adequacy decision or a transfer tool
asks about, never a bare flag."""

import enum
from dataclasses import dataclass
from datetime import date


class DpfScope(enum.StrEnum):
    """Which personal data an organisation's Data Privacy Framework certification covers: human
    resources data (collected in the context of employment) or other data, or both.

    Source: Implementing Decision (EU) 2023/1795, Annex I, Supplemental Principle 9 (Human
    Resources Data): an organisation that wishes its certification to cover HR data must say so.
    """

    NON_HR = "non_hr"
    HR = "hr"
    BOTH = "both"


@dataclass(frozen=True)
class DpfEntry:
    """The importer's entry on the Data Privacy Framework List kept by the US Department of
    Commerce: the name as listed, the scope, the day someone last checked the list, and the day
    the next annual recertification is due (Annex I, Supplemental Principle 6)."""

    listed: bool = True
    name: str | None = None
    scope: DpfScope | None = None
    verified_on: date | None = None
    recertification_due: date | None = None

    def covers(self, hr_data: bool) -> bool:
        """Whether the certification can cover the transfer's data (Art. 1 of the decision: only
        within the scope of the certification). Data that include HR data need a scope with HR
        data; other data need a scope with other data: an HR-only certification covers neither
        mixed nor other data. An unrecorded scope is left to `verdicts`, which flags it."""
        if not self.listed:
            return False
        if self.scope is DpfScope.HR:
            return False  # the register cannot show the data are HR data only
        return not (hr_data and self.scope is DpfScope.NON_HR)


@dataclass(frozen=True)
class Importer:
    """The importer's status under the decisions and tools that ask about it."""

    dpf: DpfEntry | None = None
    subject_to_pipeda: bool = False  # Decision 2002/2/EC, Art. 1
    # Its processing of the data is subject to the GDPR under Art. 3(2) (targeting or
    # monitoring people in the Union).
    subject_to_gdpr_art_3_2: bool = False
