"""The grounds of Chapter V GDPR on which personal data may leave the EEA."""

import enum
from dataclasses import dataclass


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
# Source: Implementing Decision (EU) 2021/914, recital 16 and Annex, Module Three.
SUBPROCESSOR_SCC_MODULE = SccModule.PROCESSOR_TO_PROCESSOR


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


@dataclass(frozen=True)
class TransferGround:
    """What a location's transfer relies on.

    `adequacy_decision` names the decision relied on (its number, such as "2023/1795") when the
    tool is adequacy; `scc_module`, `uk_tool` and `swiss_adaptation` describe SCCs;
    `derogation` and `derogation_justification` an Art. 49 derogation.
    """

    tool: TransferTool
    adequacy_decision: str | None = None
    scc_module: SccModule | None = None
    uk_tool: UkTransferTool | None = None
    swiss_adaptation: bool = False
    derogation: Derogation | None = None
    derogation_justification: str | None = None
