"""The grounds of Chapter V GDPR on which personal data may leave the EEA."""

import enum
from dataclasses import dataclass
from datetime import date


class TransferTool(enum.StrEnum):
    """The legal instrument a transfer relies on."""

    ADEQUACY = "adequacy"  # Art. 45 GDPR
    SCC = "scc"  # Art. 46(2)(c) GDPR; Commission Implementing Decision (EU) 2021/914
    BCR = "bcr"  # Art. 46(2)(b) and Art. 47 GDPR
    DEROGATION = "derogation"  # Art. 49 GDPR


class SccModule(enum.IntEnum):
    """The modules of the SCCs (Implementing Decision (EU) 2021/914, Annex, Section I clause 2)."""

    CONTROLLER_TO_CONTROLLER = 1
    CONTROLLER_TO_PROCESSOR = 2
    PROCESSOR_TO_PROCESSOR = 3
    PROCESSOR_TO_CONTROLLER = 4


# A processor that engages a subprocessor outside the EEA exports as a processor to a processor.
# Source: Implementing Decision (EU) 2021/914, Art. 1 and Annex, Module Three.
SUBPROCESSOR_SCC_MODULE = SccModule.PROCESSOR_TO_PROCESSOR


class SccDecision(enum.StrEnum):
    """Which Commission decision's standard contractual clauses a contract uses."""

    # Implementing Decision (EU) 2021/914, in force from 27 June 2021 (Art. 4: the twentieth day
    # after its publication in OJ L 199 of 7 June 2021). Source: CELEX 32021D0914.
    SCC_2021 = "2021/914"
    # Decision 2010/87/EU (controller to processor), repealed from 27 September 2021; contracts
    # concluded on it before then were appropriate safeguards until 27 December 2022, provided the
    # processing did not change (Implementing Decision (EU) 2021/914, Art. 4(2)-(4)).
    SCC_2010 = "2010/87/EU"


# The days those transitions fall on. Source: Implementing Decision (EU) 2021/914, Art. 4.
SCC_2021_IN_FORCE = date(2021, 6, 27)
SCC_2010_REPEALED = date(2021, 9, 27)
SCC_2010_GRANDFATHER_ENDS = date(2022, 12, 27)


class BcrKind(enum.StrEnum):
    """Binding corporate rules for a group acting as controller or as processor (Art. 47 GDPR)."""

    CONTROLLER = "bcr_c"
    PROCESSOR = "bcr_p"


@dataclass(frozen=True)
class BindingCorporateRules:
    """Whose BCRs a transfer relies on, approved by whom and when, and whether the importer is
    bound by them (Art. 47(1)(a) GDPR: legally binding on every member of the group concerned).
    None in a field means it is not recorded."""

    group: str | None = None
    kind: BcrKind | None = None
    lead_authority: str | None = None
    approved_on: date | None = None
    importer_bound: bool | None = None


class UkTransferTool(enum.StrEnum):
    """What makes SCCs work for data exported under the UK GDPR (UK ICO, in force 21 March 2022).

    Source: International Data Transfer Agreement and International Data Transfer Addendum to the
    EU Commission Standard Contractual Clauses, laid before Parliament under s119A DPA 2018.
    """

    ADDENDUM = "uk_addendum"
    IDTA = "uk_idta"


class Derogation(enum.StrEnum):
    """The derogations of Art. 49(1) GDPR, first subparagraph points (a)-(g) and the second."""

    EXPLICIT_CONSENT = "a"
    CONTRACT_WITH_DATA_SUBJECT = "b"
    CONTRACT_IN_DATA_SUBJECT_INTEREST = "c"
    PUBLIC_INTEREST = "d"
    LEGAL_CLAIMS = "e"
    VITAL_INTERESTS = "f"
    PUBLIC_REGISTER = "g"
    COMPELLING_LEGITIMATE_INTERESTS = "second_subparagraph"

    @property
    def article(self) -> str:
        """Where it stands in the GDPR: "Art. 49(1)(a)", "Art. 49(1) second subparagraph"."""
        if self is Derogation.COMPELLING_LEGITIMATE_INTERESTS:
            return "Art. 49(1) second subparagraph"
        return f"Art. 49(1)({self.value})"


@dataclass(frozen=True)
class TransferGround:
    """What a location's transfer relies on.

    `adequacy_decision` names the decision relied on (its number, such as "2023/1795") when the
    tool is adequacy; `scc_module`, `uk_tool` and `swiss_adaptation` describe SCCs;
    `derogation` and `derogation_justification` an Art. 49 derogation.

    SCCs: `scc_decision` (2021/914 unless said) and the day the contract was signed, if recorded.
    BCRs: `bcr`, what is recorded of them. A derogation is taken as systematic (the register's
    regular processing) unless `derogation_occasional`, with `derogation_occasional_reason`; the
    compelling legitimate interests of Art. 49(1) second subparagraph also record when the
    supervisory authority and the data subjects were informed.
    """

    tool: TransferTool
    adequacy_decision: str | None = None
    scc_module: SccModule | None = None
    uk_tool: UkTransferTool | None = None
    swiss_adaptation: bool = False
    derogation: Derogation | None = None
    derogation_justification: str | None = None
    scc_decision: SccDecision = SccDecision.SCC_2021
    scc_signed_on: date | None = None
    bcr: BindingCorporateRules | None = None
    derogation_occasional: bool = False
    derogation_occasional_reason: str | None = None
    authority_informed_on: date | None = None
    data_subjects_informed_on: date | None = None
