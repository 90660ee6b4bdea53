"""The schema of `POST /api/v1/verdicts`' body, from the reader's own fields and limits
(`registry.public.verdict_requests`): a field it reads has its schema here or the document
cannot be built."""

from registry.openapi.types import array, asked_day, boolean, nullable, ref, values_of
from registry.public.verdict_requests import (
    DEROGATIONS,
    GROUND_FIELDS,
    MAX_TEXT,
    MAX_TRANSFERS,
    TRANSFER_FIELDS,
)
from transfers.grounds import BcrKind, SccDecision, SccModule
from transfers.importers import DpfScope
from transfers.measures import USE_CASES_BY_ROLE, catalogue
from transfers.risk import Conclusion

TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": r"\S"}
COUNTRY = ref("CountryCode")


def _closed(properties: dict, required: tuple[str, ...] = (), description: str | None = None):
    """An object with only these keys; absent or null means "not recorded" unless required."""
    return {
        "type": "object",
        "properties": {
            name: schema if name in required else nullable(schema)
            for name, schema in properties.items()
        },
        "required": list(required),
        "additionalProperties": False,
        **({"description": description} if description else {}),
    }


GROUND_FIELD_SCHEMAS = {
    "decision": {**TEXT, "description": "the adequacy decision's number, such as 2023/1795"},
    "scc_module": values_of(SccModule),
    "scc_decision": values_of(SccDecision),
    "signed_on": asked_day(),
    "group": TEXT,
    "kind": values_of(BcrKind),
    "lead_authority": TEXT,
    "approved_on": asked_day(),
    "importer_bound": boolean(),
    "derogation": values_of(list(DEROGATIONS), "the point of Art. 49 GDPR"),
    "justification": TEXT,
    "occasional": boolean(),
    "occasional_reason": TEXT,
    "authority_informed_on": asked_day(),
    "data_subjects_informed_on": asked_day(),
}


def ground() -> dict:
    """One closed object per transfer tool, with that tool's fields only."""
    return {
        "oneOf": [
            _closed(
                {
                    "tool": {"const": tool.value},
                    **{key: GROUND_FIELD_SCHEMAS[key] for key in fields},
                },
                required=("tool",),
            )
            for tool, fields in GROUND_FIELDS.items()
        ],
        "description": "The transfer tool and what is recorded of it (Chapter V GDPR).",
    }


IMPORTER = _closed(
    {
        "dpf": _closed(
            {
                "listed": boolean(),
                "name": TEXT,
                "scope": values_of(DpfScope),
                "verified_on": asked_day(),
                "recertification_due": asked_day(),
            }
        ),
        "subject_to_pipeda": boolean(),
        "subject_to_gdpr_art_3_2": boolean(),
    }
)
ASSESSMENT = _closed(
    {"conclusion": values_of(Conclusion), "approved_on": asked_day(), "next_review": asked_day()},
    required=("conclusion", "approved_on", "next_review"),
    description="A transfer impact assessment on record.",
)
TRANSFER_SCHEMAS = {
    "country": COUNTRY,
    "role": values_of(sorted(USE_CASES_BY_ROLE)),
    "ground": ground(),
    "measures": array(values_of(list(catalogue()))),
    "importer": IMPORTER,
    "hr_data": boolean(),
    "recipient_protection": TEXT,
    "assessment": ASSESSMENT,
}
VERDICTS_REQUEST = _closed(
    {
        "on": asked_day("the day to judge on; today by default, at the earliest 2000-01-01"),
        "transfers": array(
            _closed(
                {name: TRANSFER_SCHEMAS[name] for name in sorted(TRANSFER_FIELDS)},
                required=("country",),
            ),
            minItems=1,
            maxItems=MAX_TRANSFERS,
        ),
    },
    required=("transfers",),
    description="Hypothetical transfers to judge; nothing is stored.",
)
