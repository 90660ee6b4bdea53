"""Queueing email: a message is a row in the outbox, written in the caller's transaction, so the
change that calls for it and the message commit together or not at all. The worker
(`registry.worker`) delivers it."""

from datetime import datetime

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
    subscriber_service,
)


def enqueue(
    kind: MessageKind,
    key: str,
    recipient: str,
    language: str,
    subject_id: int,
    subscriber_id: int | None = None,
) -> bool:
    """Queue one message unless one with the same `key` already is; True if this call queued it.

    The key makes a retried request or a double click send nothing twice, even when two
    requests race: the database's unique index decides, and the loser inserts nothing.
    """
    now = clock.now()
    values = {
        "kind": kind,
        "key": key,
        "recipient": recipient,
        "language": language,
        "subject_id": subject_id,
        "subscriber_id": subscriber_id,
        "state": DeliveryState.QUEUED,
        "queued_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }
    statement = _insert().values(values).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement).rowcount == 1


def fan_out(notice: ChangeNotice, kind: MessageKind) -> int:
    """Queue one message about `notice` for every confirmed subscriber who wants it, in the
    caller's transaction, with one statement however many subscribers there are; return how
    many were queued. A subscriber who chose services gets only the notices whose
    subprocessors (old or new) serve one of them. Queueing twice adds nothing."""
    now = clock.now()
    services = {service.id for service in notice.subprocessor.services}
    if notice.replaced_subprocessor is not None:
        services |= {service.id for service in notice.replaced_subprocessor.services}
    chose = sa.select(subscriber_service.c.subscriber_id).where(
        subscriber_service.c.subscriber_id == Subscriber.id
    )
    wants = sa.or_(
        ~chose.exists(), chose.where(subscriber_service.c.service_id.in_(services)).exists()
    )
    rows = sa.select(
        sa.literal(kind.value),
        sa.literal(f"{kind.value}:{notice.id}:") + sa.cast(Subscriber.id, sa.String),
        Subscriber.email,
        Subscriber.language,
        sa.literal(notice.id),
        Subscriber.id,
        sa.literal(DeliveryState.QUEUED.value),
        sa.literal(now, UTCDateTime()),
        sa.literal(now, UTCDateTime()),
        sa.literal(0),
    ).where(Subscriber.state == SubscriptionState.CONFIRMED, wants)
    columns = [
        "kind",
        "key",
        "recipient",
        "language",
        "subject_id",
        "subscriber_id",
        "state",
        "queued_at",
        "next_attempt_at",
        "attempts",
    ]
    statement = _insert().from_select(columns, rows).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement).rowcount


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


def delivery_counts(notice_id: int) -> dict[tuple[str, str], int]:
    """How many notice emails about a notice are in each state, by (kind, state)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.kind, OutboxMessage.state, sa.func.count())
        .where(OutboxMessage.subject_id == notice_id, OutboxMessage.kind.in_(NOTICE_KINDS))
        .group_by(OutboxMessage.kind, OutboxMessage.state)
    ).all()
    return {(kind.value, state.value): count for kind, state, count in rows}


def failures(notice_id: int) -> list[OutboxMessage]:
    """The notice emails about a notice that failed, with the server's answers."""
    query = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.subject_id == notice_id,
            OutboxMessage.kind.in_(NOTICE_KINDS),
            OutboxMessage.state == DeliveryState.FAILED,
        )
        .order_by(OutboxMessage.id)
    )
    return list(db.session.scalars(query))


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
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(OutboxMessage)
    return sqlite.insert(OutboxMessage)


def queued_since(
    kind: MessageKind,
    since: datetime,
    subject_id: int | None = None,
    recipient: str | None = None,
) -> int:
    """How many messages of `kind` were queued after `since`, about one row or to one address:
    what the confirmation emails' throttles count."""
    query = sa.select(sa.func.count()).where(
        OutboxMessage.kind == kind, OutboxMessage.queued_at > since
    )
    if subject_id is not None:
        query = query.where(OutboxMessage.subject_id == subject_id)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalar(query)


def queued_for(subject_id: int, kinds: set[MessageKind]) -> list[OutboxMessage]:
    """The messages of these kinds about one row, oldest first (for the admin's view)."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.subject_id == subject_id, OutboxMessage.kind.in_(kinds))
        .order_by(OutboxMessage.id)
    )
    return list(db.session.scalars(query))
