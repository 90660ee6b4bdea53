"""Subscribers to the email notices of changes, by double opt-in.

Subscribers are kept off the audit trail on purpose: their addresses are personal data that
must be erasable on request, and a hash chain cannot forget. What the trail proves is what was
announced, and when; the outbox shows to whom it was sent.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.vocabulary import Service

subscriber_service = sa.Table(
    "subscriber_service",
    db.metadata,
    sa.Column(
        "subscriber_id", sa.ForeignKey("subscriber.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("service_id", sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class SubscriptionState(enum.StrEnum):
    PENDING = "pending"  # the address is not confirmed yet: nothing is sent but the link
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


class Subscriber(db.Model):
    __tablename__ = "subscriber"
    __table_args__ = (
        sa.CheckConstraint("confirmation_requests >= 1", name="confirmation_requested"),
        sa.CheckConstraint(
            "(state = 'confirmed') = (confirmed_at IS NOT NULL)", name="confirmed_when_confirmed"
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # normalised, lower case
    language: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[SubscriptionState] = mapped_column(
        enum_by_value(SubscriptionState, "subscription_state"), index=True
    )
    subscribed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many confirmation emails were asked for since the last subscription; capped.
    confirmation_requests: Mapped[int] = mapped_column(default=1)

    # Only changes touching these services; none chosen means every change.
    services: Mapped[list[Service]] = relationship(secondary=subscriber_service)
