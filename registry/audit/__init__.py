"""Recording and verifying the audit trail.

`record` appends an event in the caller's transaction, so a write and its event commit together
or not at all. Each event's hash covers its id, its content and the previous event's hash, keyed
by the audit key (an HMAC), which is kept outside the database: whoever can rewrite the tables
cannot recompute the hashes. `verify` recomputes the chain and names the first link that does
not hold, checks the announcement hashes published with the notices, and the checkpoints of the
head (published in the feeds and on /changes) that a reader saved earlier.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app

from registry import clock
from registry.extensions import db
from registry.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from registry.models.changes import ChangeNotice

# The events whose hash a change notice publishes as the proof of its announcement.
ANNOUNCING_ACTIONS = ("notice.announced", "notice.editorial")


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
        keyed=True,
    )
    event.hash = event_hash(event)
    head.last_event_id, head.last_hash = event.id, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def event_hash(event: AuditEvent) -> str:
    """HMAC-SHA-256 under the audit key over the event's id, instant, actor, action, subject,
    values and previous hash; plain SHA-256 for an event written before the trail was keyed."""
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
    message = _canonical(content).encode("utf-8")
    if not event.keyed:
        return hashlib.sha256(message).hexdigest()
    key = current_app.config["AUDIT_KEY"].encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint() -> str:
    """The head of the trail as `SEQ:HASH`, for a reader to keep and give to `audit verify`."""
    head = db.session.get(AuditHead, 1)
    return f"{head.last_event_id}:{head.last_hash}" if head else f"0:{GENESIS_HASH}"


def parse_checkpoint(text: str) -> tuple[int, str]:
    """`SEQ:HASH` as a sequence number and a hash; ValueError if it is not one."""
    sequence, _, digest = text.strip().partition(":")
    digest = digest.lower()
    if not sequence.isdigit() or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
        raise ValueError(f"{text!r} is not a checkpoint SEQ:HASH (a number, a SHA-256 in hex)")
    return int(sequence), digest


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many events it checked and, if broken, where and how."""

    checked: int
    broken_at: int | None = None
    problem: str | None = None
    # Events written before the trail was keyed: 1 to this number.
    unkeyed: int = 0

    @property
    def intact(self) -> bool:
        return self.broken_at is None


class ChainCheck:
    """Checks events one after the other, from the first, as `verify` and the evidence pack
    read them: each must follow the one before and still match its hash."""

    def __init__(self, checkpoints: dict[int, str] | None = None) -> None:
        self.expected_id, self.expected_previous, self.checked = 1, GENESIS_HASH, 0
        self.broken_at: int | None = None
        self.problem: str | None = None
        self.unkeyed = 0
        self.checkpoints = checkpoints or {}

    def check(self, event: AuditEvent) -> bool:
        """Whether the chain still holds after `event`; once broken, it stays broken."""
        if self.broken_at is not None:
            return False
        if event.id != self.expected_id:
            self.broken_at, self.problem = self.expected_id, f"event {self.expected_id} is missing"
        elif event.previous_hash != self.expected_previous:
            self.broken_at, self.problem = event.id, "it does not follow the event before it"
        elif not event.keyed and self.unkeyed < self.checked:
            # Once keyed, always keyed: an unkeyed event later on had its hash recomputed.
            self.broken_at, self.problem = event.id, "it is not keyed, though an event before it is"
        elif event_hash(event) != event.hash:
            self.broken_at, self.problem = event.id, "its content no longer matches its hash"
        elif self.checkpoints.get(event.id, event.hash) != event.hash:
            self.broken_at, self.problem = event.id, "its hash is not the one of the checkpoint"
        else:
            self.expected_id, self.expected_previous = event.id + 1, event.hash
            self.checked += 1
            self.unkeyed += not event.keyed
        return self.broken_at is None

    def report(self) -> ChainReport:
        """The result, once every event was checked: the head must name the last of them."""
        if self.broken_at is not None:
            return ChainReport(self.checked, self.broken_at, self.problem, self.unkeyed)
        head = db.session.get(AuditHead, 1)
        last = self.expected_id - 1
        if head is None or (head.last_event_id, head.last_hash) != (last, self.expected_previous):
            missing = head.last_event_id if head else "?"
            return ChainReport(
                self.checked,
                self.expected_id,
                f"events {self.expected_id} to {missing} are missing",
                self.unkeyed,
            )
        beyond = [sequence for sequence in self.checkpoints if sequence > last]
        if beyond:
            # A cut tail with the head moved back: only a checkpoint kept elsewhere shows it.
            return ChainReport(
                self.checked,
                self.expected_id,
                f"the trail ends at event {last}, but a checkpoint names event {max(beyond)}: "
                f"events {self.expected_id} to {max(beyond)} are missing",
                self.unkeyed,
            )
        return ChainReport(self.checked, unkeyed=self.unkeyed)


def verify(checkpoints: dict[int, str] | None = None) -> ChainReport:
    """Walk the trail from the first event and report the first link that does not hold: also an
    event that no longer has the hash of a checkpoint given (sequence number to hash), a trail
    that no longer reaches one, and a notice whose published announcement hash is not on it."""
    chain = ChainCheck(checkpoints)
    # Streamed in batches: a long trail is never held in memory at once.
    events = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    with events:
        for event in events:
            if not chain.check(event):
                break
    report = chain.report()
    return _check_announcements(report) if report.intact else report


def _check_announcements(report: ChainReport) -> ChainReport:
    """The report, broken at the event of the first notice whose published hash is not that
    event's hash (the trail's hashes are verified by then)."""
    announced = {
        subject_id: (event_id, digest)
        for subject_id, event_id, digest in db.session.execute(
            sa.select(AuditEvent.subject_id, AuditEvent.id, AuditEvent.hash).where(
                AuditEvent.subject_type == "change_notice",
                AuditEvent.action.in_(ANNOUNCING_ACTIONS),
            )
        )
    }
    notices = db.session.execute(
        sa.select(ChangeNotice.id, ChangeNotice.announcement_hash).order_by(ChangeNotice.id)
    )
    for notice_id, published in notices:
        event_id, digest = announced.get(str(notice_id), (None, None))
        if digest != published:
            problem = f"notice {notice_id} was published with the hash {published}, " + (
                "which is on no event" if event_id is None else "not this event's hash"
            )
            broken_at = event_id or report.checked + 1
            return ChainReport(report.checked, broken_at, problem, report.unkeyed)
    return report


# The trail as CSV evidence (/admin/audit.csv and the evidence pack): one row per event.
CSV_HEADER = (
    "id",
    "occurred_at_utc",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "previous_hash",
    "hash",
)


def csv_row(event: AuditEvent) -> list[str]:
    """An event as a CSV row, values as text (before and after as JSON)."""
    return [
        str(event.id),
        event.occurred_at.isoformat(),
        event.actor,
        event.action,
        event.subject_type,
        event.subject_id or "",
        _json_text(event.before),
        _json_text(event.after),
        event.previous_hash,
        event.hash,
    ]


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
