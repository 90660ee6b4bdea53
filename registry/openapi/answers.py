"""The component schemas of each operation's whole answer and of the verdicts request, and
`SCHEMAS`: every component by the name the views' docstrings use."""

from registry.models import ChangeKind, NoticeState
from registry.notices.kinds import Place
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
from transfers.adequacy import CountryStatus
from transfers.measures import USE_CASES_BY_ROLE, Effectiveness, MeasureKind, catalogue
from transfers.reasons import REASONS, Verdict

ERROR = record(
    {
        "error": record(
            {
                "status": integer("the HTTP status", minimum=400, maximum=599),
                "message": text("what is wrong and what is accepted, in the reader's language"),
                "field": text("the field at fault, as a path such as transfers[0].country"),
                "fields": {
                    "type": "object",
                    "additionalProperties": array(text()),
                    "description": "each query parameter at fault with its messages",
                },
            },
            optional=("field", "fields"),
        )
    },
    description="Every error of the API: 4xx and 5xx answers are JSON.",
)

SUBPROCESSOR_LIST = record(
    {
        "organisation": record(
            {
                "name": text(),
                "dpo_email": text(format="email"),
                "entities": array(
                    record(
                        {
                            "name": text(),
                            "street_address": text(),
                            "postal_code": text(),
                            "city": text(),
                            "country": country(),
                        }
                    )
                ),
            }
        ),
        "language": text(),
        "updated_at": nullable(instant("when the published register last changed")),
        "filters": record(
            {name: nullable(text()) for name in ("country", "category", "service")},
            description="the filters applied, null where none",
        ),
        "on": nullable(day("the day asked for (`on`); null without one")),
        "snapshot": {
            **nullable(ref("SnapshotReference")),
            "description": "the signed snapshot the register comes from: that in effect at the "
            "end of the day asked for; without a day, the latest (the register as it reads now); "
            "null while nothing was recorded",
        },
        "count": integer(minimum=0),
        "subprocessors": array(ref("Subprocessor")),
    }
)

PARTY = record({"id": integer(), "name": text(), "legal_name": text()})
NOTICE_LOCATION = record(
    {
        "place": values_of(Place),
        "country": country(),
        "country_name": text(),
        "city": nullable(text()),
        "eea": boolean(),
        "role": text(),
        "role_name": text(),
        "transfer": ref("Transfer"),
    }
)
TERM_NAMES = array(text())
NOTICE_DECISION = record(
    {
        "judged_on": day("the day the change takes effect, on which its transfers are judged"),
        "judged_on_local": text(),
        "purposes": TERM_NAMES,
        "services": TERM_NAMES,
        "data_categories": TERM_NAMES,
        "data_subject_categories": TERM_NAMES,
        "new_terms": {"type": "object", "additionalProperties": TERM_NAMES},
        "engaged_by": TERM_NAMES,
        "locations": array(NOTICE_LOCATION),
        "outside_eea": record(
            {"new_countries": TERM_NAMES, "ended_countries": TERM_NAMES, "new_grounds": TERM_NAMES}
        ),
    },
    description="What a customer decides an objection on: the facts of the change as announced.",
)
INSTANTS = ("announced_at", "objection_deadline", "takes_effect_at")
LATER_INSTANTS = ("effective_at", "withdrawn_at")
NOTICE = record(
    {
        "id": integer(),
        "kind": values_of(ChangeKind),
        "kind_name": text(),
        "state": values_of(NoticeState),
        "state_name": text(),
        "subprocessor": PARTY,
        "replaces": nullable(PARTY),
        "changes": array(
            record(
                {
                    "field": text(),
                    "field_name": text(),
                    "before": {"description": "the value before: any JSON value"},
                    "after": {"description": "the value after: any JSON value"},
                }
            )
        ),
        "decision": nullable(NOTICE_DECISION),
        "objections_open": boolean(),
        "window_days": integer(minimum=0),
        "window_shortened": boolean(),
        "emergency_reason": nullable(text()),
        **{name: instant() for name in INSTANTS},
        **{f"{name}_local": text() for name in INSTANTS},
        **{name: nullable(instant()) for name in LATER_INSTANTS},
        **{f"{name}_local": nullable(text()) for name in LATER_INSTANTS},
        "withdrawal_reason": nullable(text()),
        "editorial_reason": nullable(text()),
        "proof": record({"announcement_hash": text(pattern="^[0-9a-f]{64}$")}),
        "title": text(),
    },
    description="A change notice (Art. 28(2) GDPR): what changes, when, and its proof.",
)

CHANGE_LIST = record({"count": integer(minimum=0), "changes": array(ref("ChangeNotice"))})

COUNTRY = record(
    {
        "code": country(),
        "name": text(),
        "on": day(),
        "status": values_of(CountryStatus),
        "decision": nullable(ref("AdequacyDecision")),
    }
)

TRANSFER_LIST = record(
    {
        "on": day(),
        "assume_ended": array(text(), "the decisions treated as ended, by number"),
        "snapshot": {
            **nullable(ref("SnapshotReference")),
            "description": "for a past day since the history began: the signed snapshot whose "
            "register is judged; null: the register as it reads now",
        },
        "count": integer(minimum=0),
        "verdicts": record(
            {verdict.value: integer(minimum=0) for verdict in Verdict},
            description="how many transfers have each verdict; only where verdicts are shown",
        ),
        "transfers": array(ref("TransferEntry")),
    },
    optional=("verdicts",),
)

MEASURE_ENTRY = record(
    {
        "code": values_of(list(catalogue())),
        "kind": values_of(MeasureKind),
        "use_case": nullable(text()),
        "use_case_reference": nullable(text()),
        "edpb_view": values_of(Effectiveness),
        "title": text(),
        "titles": {"type": "object", "additionalProperties": text()},
    }
)
MEASURE_LIST = record(
    {
        "measures": array(MEASURE_ENTRY),
        "roles": record(
            {role: array(text()) for role in USE_CASES_BY_ROLE},
            description="the EDPB use cases that can make a measure effective, by location role",
        ),
    }
)

JUDGED_TRANSFER = record(
    {
        "country": country(),
        "status": values_of(CountryStatus),
        "verdict": values_of(Verdict),
        "verdict_name": text(),
        "reasons": array(
            record(
                {"code": values_of(list(REASONS)), "verdict": values_of(Verdict), "text": text()}
            ),
        ),
    }
)
VERDICTS = record({"on": day(), "verdicts": array(JUDGED_TRANSFER)})

REGISTER_DIFF = record(
    {
        "from": day("the first day asked for"),
        "to": day("the last day asked for"),
        "from_snapshot": {
            **nullable(ref("SnapshotReference")),
            "description": "the register at the start of `from` (the snapshot in effect at the "
            "end of the day before); null: the history begins later, and the first snapshot's "
            "register counts as added",
        },
        "to_snapshot": {
            **nullable(ref("SnapshotReference")),
            "description": "the register at the end of `to`; null while nothing was recorded",
        },
        "count": integer(minimum=0),
        "changes": array(
            ref("RegisterDifference"),
            "in the order the snapshots recorded them: each snapshot's subprocessors in the "
            "order of their names, then the links of the chain",
        ),
    }
)

SNAPSHOT_LIST = record(
    {
        "key_fingerprint": text(
            "the current signing key's fingerprint: the SHA-256 of its SubjectPublicKeyInfo "
            "(DER), in hex",
            pattern="^[0-9a-f]{64}$",
        ),
        "snapshots": array(ref("Snapshot"), "every snapshot, newest first"),
    }
)
