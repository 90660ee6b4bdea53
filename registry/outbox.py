"""Queueing email: a message is a row in the outbox, written in the caller's transaction, so the
change that calls for it and the message commit together or not at all. The worker
(`registry.worker`) delivers it."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from registry import clock
from registry.extensions import db
from registry.models import DeliveryState, MessageKind, OutboxMessage


def enqueue(kind: MessageKind, key: str, recipient: str, language: str, subject_id: int) -> bool:
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
        "state": DeliveryState.QUEUED,
        "queued_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement).rowcount == 1


def queued_for(subject_id: int, kinds: set[MessageKind]) -> list[OutboxMessage]:
    """The messages of these kinds about one row, oldest first (for the admin's view)."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.subject_id == subject_id, OutboxMessage.kind.in_(kinds))
        .order_by(OutboxMessage.id)
    )
    return list(db.session.scalars(query))
