"""The audit trail: every write appends an event, each chained to the one before by its hash."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import UTCDateTime
from registry.extensions import db

GENESIS_HASH = "0" * 64


class AuditEvent(db.Model):
    """One write: who, when, what, before and after. Appended only; never updated or deleted.

    Ids are given in sequence by `registry.audit.record`, so a missing event leaves a gap.
    A keyed event's hash is an HMAC under the audit key, kept outside the database; events
    written before the trail was keyed keep their plain SHA-256 and stay verifiable.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[str | None] = mapped_column(sa.String(64))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    keyed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class AuditHead(db.Model):
    """The end of the chain, one row: appending locks it, so two writers never fork the chain,
    and a deleted last event no longer matches it."""

    __tablename__ = "audit_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_event_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)
