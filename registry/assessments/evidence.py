"""The evidence pack for an audit: one zip file holding the register, the change notices and
objections, every version of every transfer impact assessment, and the audit trail with its
chain hashes, with a manifest naming each file's SHA-256.

The audit trail is read in batches and compressed as it is read; the pack itself is built in
memory, compressed (a register with ten thousand audit events makes a pack of about a megabyte).
"""

import csv
import hashlib
import io
import json
import zipfile
from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from registry import audit, clock, labels
from registry.assessments.records import assessment_document, percent
from registry.customers import proof
from registry.extensions import db
from registry.models import AuditEvent, ChangeNotice, CustomerNotice, Objection, TransferAssessment
from registry.notices.records import notice_record
from registry.register.export import register_csv, spreadsheet_safe
from registry.register.records import RegisterFilter, published_records
from transfers import countries

OBJECTION_COLUMNS = (
    "id",
    "notice_id",
    "state",
    "organisation",
    "customer_reference",
    "contact_name",
    "contact_email",
    "grounds",
    "submitted_at",
    "confirmed_at",
    "outcome",
    "outcome_reason",
    "customer_id",
    "resolved_at",
)


def evidence_pack() -> io.BytesIO:
    """The zip file, rewound, ready to send. Call it at the start of a transaction that sees
    one moment of the database (`read_one_moment`), so every file agrees with the others."""
    pack = io.BytesIO()
    manifest = {}
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: str | bytes) -> None:
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(name, data)
            manifest[name] = hashlib.sha256(data).hexdigest()

        records = published_records(RegisterFilter(), "en")
        add("register/subprocessors.csv", "\ufeff" + register_csv(records))
        add("register/subprocessors.json", _json(records))
        notices = db.session.scalars(sa.select(ChangeNotice).order_by(ChangeNotice.id))
        add("notices/notices.json", _json([notice_record(notice) for notice in notices]))
        add("notices/objections.csv", _objections_csv())
        add("notices/customer-notices.csv", _rows_csv(CUSTOMER_NOTICE_COLUMNS, _customer_notices()))
        add("notices/customer-deliveries.csv", _rows_csv(DELIVERY_COLUMNS, proof.deliveries()))
        for assessment in db.session.scalars(
            sa.select(TransferAssessment).order_by(TransferAssessment.id)
        ):
            document = assessment_document(assessment, "en")
            stem = (
                f"assessments/{assessment.id:05d}-location-{assessment.location_id}"
                f"-v{assessment.version}"
            )
            add(f"{stem}.json", _json(document))
            add(f"{stem}.html", _standalone_report(assessment, document))
        trail_name = "audit/audit-trail.csv"
        digest, chain = hashlib.sha256(), audit.ChainCheck()
        with archive.open(trail_name, "w") as trail:
            for chunk in _audit_csv(chain):
                data = chunk.encode("utf-8")
                digest.update(data)
                trail.write(data)
        manifest[trail_name] = digest.hexdigest()
        report = chain.report()
        add(
            "audit/verification.json",
            _json(
                {
                    "checked": report.checked,
                    "intact": report.intact,
                    "broken_at": report.broken_at,
                    "problem": report.problem,
                }
            ),
        )
        add(
            "manifest.json", _json({"generated_at": clock.utc_text(clock.now()), "files": manifest})
        )
    pack.seek(0)
    return pack


def read_one_moment() -> None:
    """Begin a transaction that reads the database as it was at its first statement:
    REPEATABLE READ on PostgreSQL. SQLite in WAL mode reads each statement at its own moment
    (the driver starts no transaction for reads), so a write committed while the pack is built
    can show in the later files; the chain's verification is made over the rows exported."""
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def pack_name() -> str:
    return f"evidence-pack-{clock.today().isoformat()}.zip"


def _standalone_report(assessment: TransferAssessment, document: dict) -> str:
    with force_locale("en"):
        return render_template(
            "admin/assessment_standalone.html",
            # Read offline, away from our static files: the flag is the emoji.
            flag=countries.flag,
            assessment=assessment,
            document=document,
            percent=percent,
            states=labels.ASSESSMENT_STATES,
        )


# Each notice as it applies to each customer, and what each customer's contacts were sent.
CUSTOMER_NOTICE_COLUMNS = [
    "notice_id",
    "reference",
    "customer",
    "notice_days",
    "objection_deadline",
    "needs_approval",
    "approved_at",
    "approved_by",
    "effect",
    "effect_since",
]
DELIVERY_COLUMNS = [
    "notice_id",
    "reference",
    "customer",
    "pseudonym",
    "recipient",
    "kind",
    "queued_at",
    "sent_at",
    "state",
    "attempts",
    "message_id",
    "answer",
]


def _customer_notices() -> list[dict]:
    return [
        {
            "notice_id": record.notice_id,
            "reference": record.customer.reference,
            "customer": record.customer.organisation,
            "notice_days": record.notice_days,
            "objection_deadline": record.objection_deadline,
            "needs_approval": record.needs_approval,
            "approved_at": record.approved_at,
            "approved_by": record.approved_by,
            "effect": record.effect.value,
            "effect_since": record.effect_since,
        }
        for record in db.session.scalars(
            sa.select(CustomerNotice).order_by(CustomerNotice.notice_id, CustomerNotice.id)
        )
    ]


def _rows_csv(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(_text(row[column])) for column in columns])
    return "\ufeff" + buffer.getvalue()


def _objections_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OBJECTION_COLUMNS)
    for objection in db.session.scalars(sa.select(Objection).order_by(Objection.id)):
        row = [_text(getattr(objection, column)) for column in OBJECTION_COLUMNS]
        writer.writerow([spreadsheet_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def _audit_csv(chain: audit.ChainCheck):
    """The trail, oldest first, with its hashes, in chunks of a thousand events, each event
    checked against the chain as it goes, so the verification covers exactly these rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(audit.CSV_HEADER)
    events = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    with events:
        for count, event in enumerate(events, 1):
            chain.check(event)
            writer.writerow([spreadsheet_safe(value) for value in audit.csv_row(event)])
            if count % 1000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=_default)


def _default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
