"""Queueing: a message is a row in the outbox, written in the caller's transaction, so the change
that calls for it and the message commit together or not at all."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from registry import clock
from registry.database import UTCDateTime
from registry.extensions import db
from registry.models import (
    NOTICE_KINDS,
    ChangeNotice,
    DeliveryState,
    MessageKind,
    OutboxMessage,
    Subscriber,
    SubscriptionState,
)
from registry.outbox import channels
from registry.outbox.channels import EMAIL

_COLUMNS = [
    "channel",
    "kind",
    "key",
    "recipient",
    "language",
    "subject_id",
    "subscriber_id",
    "contact_id",
    "state",
    "queued_at",
    "next_attempt_at",
    "attempts",
]


def enqueue(
    kind: MessageKind,
    key: str,
    recipient: str,
    language: str,
    subject_id: int,
    subscriber_id: int | None = None,
    channel: str = EMAIL,
    contact_id: int | None = None,
) -> bool:
    """Queue one message to `recipient` (the channel's address: an email address for email)
    unless one with the same `key` already is; True if this call queued it.

    The key makes a retried request or a double click send nothing twice, even when two
    requests race: the database's unique index decides, and the loser inserts nothing.
    """
    now = clock.now()
    values = {
        "channel": channel,
        "kind": kind,
        "key": key,
        "recipient": recipient,
        "language": language,
        "subject_id": subject_id,
        "subscriber_id": subscriber_id,
        "contact_id": contact_id,
        "state": DeliveryState.QUEUED,
        "queued_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }
    statement = _insert().values(values).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement).rowcount == 1


def fan_out(notice: ChangeNotice, kind: MessageKind) -> int:
    """Queue one message about `notice` to each recipient every channel names for it (for
    email: every confirmed subscriber who wants it), in the caller's transaction, with one
    statement per channel however many recipients there are; return how many were queued.
    Queueing twice adds nothing: the key is the kind, the notice and the channel's reference."""
    queued = 0
    for channel in channels.registered().values():
        chosen = channel.recipients(notice, kind)
        if chosen is not None:
            queued += _queue_each(channel.name, kind, notice.id, chosen.subquery())
    return queued


def _queue_each(channel: str, kind: MessageKind, notice_id: int, chosen: sa.Subquery) -> int:
    return _insert_rows(
        channel,
        kind,
        sa.literal(f"{kind.value}:{notice_id}:") + chosen.c.reference,
        chosen.c.recipient,
        chosen.c.language,
        sa.literal(notice_id),
        chosen.c.subscriber_id,
        sa.null(),
    )


def enqueue_each(kind: MessageKind, chosen: sa.Select, channel: str = EMAIL) -> int:
    """Queue one message of `kind` on `channel` for each row of `chosen`, a SELECT of the
    labelled columns `key`, `recipient`, `language`, `subject_id` and (for a customer's
    contact) `contact_id`, in one statement; return how many were queued. A key already queued
    adds nothing."""
    chosen = chosen.subquery()
    return _insert_rows(
        channel,
        kind,
        chosen.c.key,
        chosen.c.recipient,
        chosen.c.language,
        chosen.c.subject_id,
        sa.null(),
        chosen.c.contact_id if "contact_id" in chosen.c else sa.null(),
    )


def tell_customers(kind: MessageKind, events: sa.Select) -> int:
    """Queue one message of `kind` about each event of `events` to every recipient each
    channel names for the event's customer (`Channel.customer_recipients`: for email its
    contacts, for webhooks its endpoints), in the caller's transaction; return how many.
    `events` is a SELECT of the labelled columns `key` (the event's own, which each channel
    extends with its recipient's reference), `customer_id` and `subject_id`. A key already
    queued adds nothing, so each event reaches each recipient once."""
    events = events.subquery()
    queued = 0
    for channel in channels.registered().values():
        recipients = getattr(channel, "customer_recipients", None)
        chosen = recipients(kind, events) if recipients is not None else None
        if chosen is not None:
            queued += enqueue_each(kind, chosen, channel.name)
    return queued


def _insert_rows(channel: str, kind: MessageKind, *per_recipient) -> int:
    """INSERT … SELECT one queued row per recipient: `per_recipient` are the key, recipient,
    language, subject, subscriber and contact columns; the rest is the same for every row."""
    now = clock.now()
    # A WHERE, if only "true": SQLite would read ON CONFLICT after a bare FROM as a join's.
    rows = sa.select(
        sa.literal(channel),
        sa.literal(kind.value),
        *per_recipient,
        sa.literal(DeliveryState.QUEUED.value),
        sa.literal(now, UTCDateTime()),
        sa.literal(now, UTCDateTime()),
        sa.literal(0),
    ).where(sa.true())
    statement = _insert().from_select(_COLUMNS, rows).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement).rowcount


def cancel_for_contact(contact_id: int) -> None:
    """Fail what is still queued for an erased contact, so that nothing more goes out."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.contact_id == contact_id,
            OutboxMessage.state == DeliveryState.QUEUED,
        )
        .values(state=DeliveryState.FAILED, last_error="contact erased before it was sent")
        .execution_options(synchronize_session=False)
    )


def cancel_for_subscriber(subscriber_id: int) -> None:
    """Fail what is still queued for a subscriber who left, so that nothing more goes out."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.subscriber_id == subscriber_id,
            OutboxMessage.state == DeliveryState.QUEUED,
        )
        .values(state=DeliveryState.FAILED, last_error="unsubscribed before it was sent")
        .execution_options(synchronize_session=False)
    )


def forget_recipient(address: str, replacement: str) -> None:
    """Put `replacement` for an erased address in every message's record."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.recipient == address)
        .values(recipient=replacement)
        .execution_options(synchronize_session=False)
    )


def resend_failed(notice_id: int) -> int:
    """Queue again the failed notice emails about a notice, to subscribers still subscribed;
    return how many. The caller commits."""
    still_subscribed = sa.select(Subscriber.id).where(
        Subscriber.state == SubscriptionState.CONFIRMED
    )
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.subject_id == notice_id,
            OutboxMessage.kind.in_(NOTICE_KINDS),
            OutboxMessage.state == DeliveryState.FAILED,
            OutboxMessage.subscriber_id.in_(still_subscribed),
        )
        .values(
            state=DeliveryState.QUEUED,
            attempts=0,
            next_attempt_at=clock.now(),
            lease_token=None,
            leased_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _insert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # How many rows it inserted: without the option, psycopg's INSERT gives -1 (SQLAlchemy
    # promises a row count only for UPDATE and DELETE).
    return dialect.insert(OutboxMessage).execution_options(preserve_rowcount=True)
