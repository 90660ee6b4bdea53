"""The component schemas of the API's answers: what each record of `registry.register.records`,
`registry.notices.records`, `registry.chain.records` and `registry.register.transfer_records`
holds. Enums come from the code's own enums, so that a new member reaches the document."""

from registry.history.diff import TERM_KEYS
from registry.history.words import CHANGES, SUBJECTS
from registry.models import LocationRole, SubprocessorStatus
from registry.openapi.types import (
    array,
    boolean,
    country,
    day,
    instant,
    integer,
    nullable,
    record,
    ref,
    text,
    values_of,
)
from registry.register_file.schema import DRAFT
from transfers.adequacy import Condition, CountryStatus, Scope
from transfers.countries import countries_assigned
from transfers.grounds import BcrKind, Derogation, SccDecision, SccModule, TransferTool
from transfers.grounds import UkTransferTool as UkTool
from transfers.importers import DpfScope
from transfers.measures import Effectiveness, MeasureKind
from transfers.reasons import REASONS, Verdict

# What a request may name a country by: two letters in any case, blanks around ignored; the
# codes ISO 3166-1 assigns are listed so that generated requests name real countries too.
COUNTRY_CODE = {
    "anyOf": [
        values_of(sorted(countries_assigned())),
        text(pattern=r"^\s*[A-Za-z]{2}\s*$"),
    ],
    "description": "An ISO 3166-1 alpha-2 code, in any case; one that ISO 3166-1 does not "
    "assign is refused with 400.",
}

TERM = record({"code": text("the term's code"), "name": text("its name in the reader's language")})

ADEQUACY_DECISION = record(
    {
        "number": text("such as 2023/1795"),
        "instrument": text(),
        "name": text(),
        "celex": text(),
        "adopted": day(),
        "effective": day(),
        "ended": nullable(day()),
        "ended_reason": nullable(text()),
        "scope": values_of(Scope),
        "condition": nullable(values_of(Condition, "what a partial decision covers")),
        "scope_note": nullable(text()),
        "source": text("the decision in EUR-Lex", format="uri"),
    },
    description="An adequacy decision of the European Commission (Art. 45 GDPR).",
)

GROUND = record(
    {
        "tool": values_of(TransferTool),
        "tool_name": text(),
        "adequacy_decision": nullable(ref("AdequacyDecision")),
        "scc_decision": nullable(values_of(SccDecision)),
        "scc_module": nullable(values_of(SccModule)),
        "scc_module_name": nullable(text()),
        "uk_tool": nullable(values_of(UkTool)),
        "uk_tool_name": nullable(text()),
        "swiss_adaptation": boolean(),
        "derogation": nullable(values_of(Derogation, "the point of Art. 49(1) GDPR")),
        "derogation_name": nullable(text()),
        "derogation_justification": nullable(text()),
    },
    description="The transfer tool a location relies on (Chapter V GDPR).",
)

MEASURE = record(
    {
        "code": text("a code of `GET /api/v1/measures`, or one recorded outside it"),
        "kind": nullable(values_of(MeasureKind)),
        "kind_name": nullable(text()),
        "title": text(),
        "use_case": nullable(text("the EDPB's use case, such as “Annex 2, Use Case 1”")),
        "effectiveness": nullable(values_of(Effectiveness)),
        "effectiveness_name": nullable(text()),
    },
    description="A supplementary measure recorded for a transfer (EDPB Recommendations 01/2020); "
    "kind and effectiveness are null for a code outside the catalogue.",
)

REASON = record(
    {
        "code": values_of(list(REASONS)),
        "verdict": values_of(Verdict),
        "message": text("the reason in the reader's language"),
    }
)

TRANSFER = {
    **record(
        {
            "status": values_of(CountryStatus),
            "status_name": text(),
            "decision": nullable(ref("AdequacyDecision")),
            "ground": nullable(ref("TransferGround")),
            "ground_summary": nullable(text()),
            "measures": array(ref("Measure")),
            "verdict": values_of(Verdict),
            "verdict_name": text(),
            "reasons": array(ref("Reason")),
        },
        optional=("verdict", "verdict_name", "reasons"),
        description="A location's transfer: the country's status on the day, the ground and the "
        "measures; the verdict and its reasons only for a logged-in user, an API token, or when "
        "the registry publishes verdicts (PUBLISH_VERDICTS).",
    ),
    "dependentRequired": {"verdict": ["verdict_name", "reasons"]},
}

GROUND_FACTS = record(
    {
        "scc_decision": nullable(values_of(SccDecision)),
        "scc_signed_on": nullable(day()),
        "bcr": nullable(
            record(
                {
                    "group": nullable(text()),
                    "kind": nullable(values_of(BcrKind)),
                    "kind_name": nullable(text()),
                    "lead_authority": nullable(text()),
                    "approved_on": nullable(day()),
                    "importer_bound": nullable(boolean()),
                }
            )
        ),
        "derogation_occasional": boolean(),
        "derogation_occasional_reason": nullable(text()),
        "recipient_protection": nullable(text()),
    },
    description="What is recorded of a location's ground beyond its tool.",
)

LOCATION = record(
    {
        "country": country(),
        "country_name": text(),
        "eea": boolean("whether the country is in the EEA on the day judged"),
        "city": nullable(text()),
        "role": values_of(LocationRole),
        "role_name": text(),
        "transfer": ref("Transfer"),
        "ground_facts": ref("GroundFacts"),
    }
)

ENTITY = record({"name": text(), "country": country()}, description="An entity of ours.")

SUBPROCESSOR_PROPERTIES = {
    "id": integer(),
    "name": text(),
    "legal_name": text(),
    "address": text(),
    "country": country("where the company is established"),
    "country_name": text(),
    "website": nullable(text()),
    "recipient_category": ref("Term"),
    "purposes": array(ref("Term")),
    "services": array(ref("Term")),
    "data_categories": array(ref("Term")),
    "data_subject_categories": array(ref("Term")),
    "locations": array(ref("Location")),
    "engaged_by": array(ref("EntityName")),
    "status": values_of(SubprocessorStatus),
    "illustrative": boolean("demo data, not a real company"),
    "dpf_certified": boolean(),
    "dpf_entry": record(
        {
            "listed_name": nullable(text()),
            "scope": nullable(values_of(DpfScope)),
            "scope_name": nullable(text()),
            "verified_on": nullable(day()),
            "recertification_due": nullable(day()),
        },
        description="The importer's entry on the Data Privacy Framework List, as last checked.",
    ),
    "subject_to_pipeda": boolean(),
    "subject_to_gdpr_art_3_2": boolean(),
    "hr_data": boolean(),
}

CHAIN_HOP = record(
    {
        **SUBPROCESSOR_PROPERTIES,
        "contact": nullable(text()),
        "activity": text("what it does for the company that engages it"),
        "path": array(text(), "the companies from ours to this one"),
        "path_text": text(),
        "hops": array(ref("ChainHop"), "the companies it engages in turn"),
    },
    description="A company down a subprocessor's processing chain (Art. 28(4) GDPR).",
)

SUBPROCESSOR = record(
    {
        **SUBPROCESSOR_PROPERTIES,
        "chain": array(ref("ChainHop"), "the companies it engages, to any depth"),
    },
    description="A subprocessor on the public register.",
)

TRANSFER_ENTRY = record(
    {
        "subprocessor": record({"id": integer(), "name": text()}),
        **LOCATION["properties"],
        "onward": boolean("down a subprocessor's chain rather than engaged by us"),
        "path": nullable(text("the chain to it, for an onward transfer")),
    }
)

SHA256 = text(pattern="^[0-9a-f]{64}$")

SNAPSHOT_REFERENCE = record(
    {
        "id": integer(minimum=1),
        "sha256": {**SHA256, "description": "the SHA-256 of its signed document, in hex"},
        "taken_at": instant("when it was taken: the register read so from then on"),
        "url": text("its signed document (canonical JSON)", format="uri"),
    },
    description="A signed snapshot of the published register (`/snapshots`): the register "
    "as it read from `taken_at` until the next snapshot.",
)

NOTICE_LINK = record(
    {"id": integer(minimum=1), "url": text("the notice's page", format="uri")},
    description="A change notice, by its number and its page.",
)

# The keys only some differences carry, by the subject that carries them.
_DIFFERENCE_EXTRAS = {"location": "location", "term": "term", "chain_link": "engages"}

REGISTER_DIFFERENCE = {
    **record(
        {
            "subject": values_of(list(SUBJECTS), "what was added, removed or changed"),
            "change": values_of(list(CHANGES)),
            "subprocessor": record(
                {"id": integer(), "name": text()},
                description="the subprocessor it is about; for a link of the chain, the one "
                "that engages",
            ),
            "location": record(
                {
                    "country": country(),
                    "role": values_of(LocationRole),
                    "city": nullable(text()),
                },
                description="for a processing location: where it is and what happens there",
            ),
            "term": record(
                {
                    "list": values_of(list(TERM_KEYS), "the subprocessor's list the term is on"),
                    "code": text("the term's code; for `engaged_by`, our entity's name"),
                },
                description="for a term: which list and which code",
            ),
            "engages": record(
                {"id": integer(), "name": text()},
                description="for a link of the processing chain: the company engaged",
            ),
            "fields": array(
                record(
                    {
                        "field": text(
                            "a key of the register's snapshot document, such as `name`, "
                            "`country_code`, `transfer_tool` or `locations`"
                        ),
                        "before": {"description": "the value before, as recorded: any JSON value"},
                        "after": {"description": "the value after, as recorded: any JSON value"},
                    }
                ),
                "each field that differs; for a subprocessor added or removed, all its facts "
                "(its locations as country, role and city)",
            ),
            "snapshot_id": integer("the snapshot that recorded the change", minimum=1),
            "taken_at": instant("when that snapshot was taken"),
            "notice": nullable(ref("NoticeLink")),
        },
        optional=tuple(_DIFFERENCE_EXTRAS.values()),
        description="One thing added, removed or changed in the published register, in codes "
        "as the snapshots record them, with the snapshot that recorded it and the notice that "
        "made it (null where no single notice did). A `location` entry carries `location`, a "
        "`term` entry `term`, a `chain_link` entry `engages`; no other does.",
    ),
    "allOf": [
        {
            "if": {"properties": {"subject": {"const": subject}}},
            "then": {"required": [key]},
            "else": {"not": {"required": [key]}},
        }
        for subject, key in _DIFFERENCE_EXTRAS.items()
    ],
}

SNAPSHOT = record(
    {
        **SNAPSHOT_REFERENCE["properties"],
        "signature_url": text("its Ed25519 signature (64 bytes) over the document", format="uri"),
        "key_fingerprint": {
            **SHA256,
            "description": "the SHA-256 of the signing key's SubjectPublicKeyInfo (DER), in hex: "
            "`/.well-known/registry-signing-keys.json` gives every key by it",
        },
        "causes": array(
            record(
                {
                    "action": text("the audit action, such as `notice.effective`"),
                    "notice": nullable(ref("NoticeLink")),
                }
            ),
            "what changed the register: the audit events of the transaction that took it",
        ),
        "signature_base64": text(
            "the signature itself, in base64",
            contentEncoding="base64",
            pattern="^[A-Za-z0-9+/]{86}==$",
        ),
    },
    description="A signed snapshot as `/api/v1/snapshots` lists it.",
)

JSON_SCHEMA = record(
    {
        "$schema": text("the JSON Schema dialect", const=DRAFT),
        "$id": text("where this schema is served", format="uri"),
        "title": text(),
        "description": text(),
        "type": text(const="object"),
        "properties": {"type": "object"},
    },
    description="A JSON Schema (draft 2020-12): a file that validates against it is a whole "
    "register an installation can import (its export at `/admin/register/export`).",
)
