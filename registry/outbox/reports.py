"""What the outbox holds, as the admin area and the throttles read it."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from registry.extensions import db
from registry.models import NOTICE_KINDS, DeliveryState, MessageKind, OutboxMessage


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


@dataclass(frozen=True)
class ChannelBacklog:
    """What one channel's queue holds: messages waiting (due or not), when the oldest of them
    was queued, and messages that failed for good."""

    channel: str
    queued: int
    oldest_queued_at: datetime | None
    failed: int


def backlog() -> list[ChannelBacklog]:
    """Each channel's backlog, for the metrics (one query)."""
    queued = OutboxMessage.state == DeliveryState.QUEUED
    rows = db.session.execute(
        sa.select(
            OutboxMessage.channel,
            sa.func.count().filter(queued),
            sa.func.min(OutboxMessage.queued_at).filter(queued),
            sa.func.count().filter(OutboxMessage.state == DeliveryState.FAILED),
        )
        .where(OutboxMessage.state != DeliveryState.SENT)
        .group_by(OutboxMessage.channel)
        .order_by(OutboxMessage.channel)
    ).all()
    return [ChannelBacklog(*row) for row in rows]
