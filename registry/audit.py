"""Recording and verifying the audit trail.

`record` appends an event in the caller's transaction, so a write and its event commit together
or not at all. Each event's hash covers its id, its content and the previous event's hash;
`verify` recomputes the chain and names the first link that does not hold.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from registry import clock
from registry.extensions import db
from registry.models.audit import GENESIS_HASH, AuditEvent, AuditHead


def record(
    actor: str,
    action: str,
    subject_type: str,
    subject_id: object = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append an event to the trail in the current transaction and return it (flushed)."""
    head = db.session.execute(
        sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    event = AuditEvent(
        id=head.last_event_id + 1,
        occurred_at=clock.now(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        before=_plain(before),
        after=_plain(after),
        previous_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    head.last_event_id, head.last_hash = event.id, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's id, instant, actor, action, subject, values and previous hash."""
    content = [
        event.id,
        _utc_text(event.occurred_at),
        event.actor,
        event.action,
        event.subject_type,
        event.subject_id,
        event.before,
        event.after,
        event.previous_hash,
    ]
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many events it checked and, if broken, where and how."""

    checked: int
    broken_at: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify() -> ChainReport:
    """Walk the trail from the first event and report the first link that does not hold."""
    expected_id, expected_previous, checked = 1, GENESIS_HASH, 0
    # Streamed in batches: a long trail is never held in memory at once.
    events = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    with events:
        for event in events:
            if event.id != expected_id:
                return ChainReport(checked, expected_id, f"event {expected_id} is missing")
            if event.previous_hash != expected_previous:
                return ChainReport(checked, event.id, "it does not follow the event before it")
            if event_hash(event) != event.hash:
                return ChainReport(checked, event.id, "its content no longer matches its hash")
            expected_id, expected_previous, checked = expected_id + 1, event.hash, checked + 1
    head = db.session.get(AuditHead, 1)
    if head is None or (head.last_event_id, head.last_hash) != (expected_id - 1, expected_previous):
        last = head.last_event_id if head else "?"
        return ChainReport(checked, expected_id, f"events {expected_id} to {last} are missing")
    return ChainReport(checked)


def _plain(values: dict | None) -> dict | None:
    """The values as the JSON column will give them back, so the hash can be recomputed."""
    return None if values is None else json.loads(_canonical(values))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _utc_text(instant: datetime) -> str:
    # SQLite gives back a naive datetime, PostgreSQL an aware one in the session's zone.
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC).replace(tzinfo=None)
    return instant.isoformat(timespec="microseconds")
