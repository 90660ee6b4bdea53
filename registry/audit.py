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


class ChainCheck:
    """Checks events one after the other, from the first, as `verify` and the evidence pack
    read them: each must follow the one before and still match its hash."""

    def __init__(self) -> None:
        self.expected_id, self.expected_previous, self.checked = 1, GENESIS_HASH, 0
        self.broken_at: int | None = None
        self.problem: str | None = None

    def check(self, event: AuditEvent) -> bool:
        """Whether the chain still holds after `event`; once broken, it stays broken."""
        if self.broken_at is not None:
            return False
        if event.id != self.expected_id:
            self.broken_at, self.problem = self.expected_id, f"event {self.expected_id} is missing"
        elif event.previous_hash != self.expected_previous:
            self.broken_at, self.problem = event.id, "it does not follow the event before it"
        elif event_hash(event) != event.hash:
            self.broken_at, self.problem = event.id, "its content no longer matches its hash"
        else:
            self.expected_id, self.expected_previous = event.id + 1, event.hash
            self.checked += 1
        return self.broken_at is None

    def report(self) -> ChainReport:
        """The result, once every event was checked: the head must name the last of them."""
        if self.broken_at is not None:
            return ChainReport(self.checked, self.broken_at, self.problem)
        head = db.session.get(AuditHead, 1)
        last = self.expected_id - 1
        if head is None or (head.last_event_id, head.last_hash) != (last, self.expected_previous):
            missing = head.last_event_id if head else "?"
            return ChainReport(
                self.checked,
                self.expected_id,
                f"events {self.expected_id} to {missing} are missing",
            )
        return ChainReport(self.checked)


def verify() -> ChainReport:
    """Walk the trail from the first event and report the first link that does not hold."""
    chain = ChainCheck()
    # Streamed in batches: a long trail is never held in memory at once.
    events = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    with events:
        for event in events:
            if not chain.check(event):
                break
    return chain.report()


# The trail as CSV evidence (/admin/audit.csv and the evidence pack): one row per event.
CSV_HEADER = ("id", "occurred_at_utc", "actor", "action", "subject_type", "subject_id",
              "before", "after", "previous_hash", "hash")  # fmt: skip


def csv_row(event: AuditEvent) -> list[str]:
    """An event as a CSV row, values as text (before and after as JSON)."""
    return [str(event.id), event.occurred_at.isoformat(), event.actor, event.action,
            event.subject_type, event.subject_id or "", _json_text(event.before),
            _json_text(event.after), event.previous_hash, event.hash]  # fmt: skip


def _json_text(values: dict | None) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


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
