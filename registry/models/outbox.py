"""The outbox: every message the registry sends is first a row here, written in the same
transaction as the change that calls for it, then delivered by the worker through the message's
channel (`registry.outbox`; email so far).

A message is queued until the worker delivers it, or until the channel refuses it for good or
the attempts run out (failed, with the channel's answer). A worker claims a batch by writing a
lease on it; a lease that runs out (a worker killed mid-batch) frees the message again.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import UTCDateTime, enum_by_value, int_pk
from registry.extensions import db


class MessageKind(enum.StrEnum):
    OBJECTION_CONFIRMATION = "objection_confirmation"
    OBJECTION_ACKNOWLEDGEMENT = "objection_acknowledgement"
    SUBSCRIPTION_CONFIRMATION = "subscription_confirmation"
    # To each confirmed subscriber, about a notice (`subject_id`):
    NOTICE_ANNOUNCED = "notice_announced"
    NOTICE_REMINDER = "notice_reminder"
    NOTICE_WITHDRAWN = "notice_withdrawn"
    # To each contact of a customer a notice concerns, about its customer notice (`subject_id`):
    CUSTOMER_NOTICE_ANNOUNCED = "customer_notice_announced"
    CUSTOMER_NOTICE_REMINDER = "customer_notice_reminder"
    CUSTOMER_NOTICE_WITHDRAWN = "customer_notice_withdrawn"
    CUSTOMER_NOTICE_MOVED = "customer_notice_moved"  # its dates were moved later
    # To the objector, about an objection (`subject_id`) that was resolved:
    OBJECTION_OUTCOME = "objection_outcome"
    # To a contact (`subject_id`) who asked for the link to their customer's own view:
    CUSTOMER_VIEW_LINK = "customer_view_link"
    # To a customer's webhook endpoints only, about its customer notice (`subject_id`), at its
    # revision: the change is in effect for the customer (email tells nobody of this).
    CUSTOMER_NOTICE_IN_EFFECT = "customer_notice_in_effect"
    # To each contact of a customer whose webhook endpoint (`subject_id`) was disabled after
    # repeated failures:
    WEBHOOK_DISABLED = "webhook_disabled"
    # To one webhook endpoint (`subject_id`), asked for from its page:
    WEBHOOK_TEST = "webhook_test"


NOTICE_KINDS = {
    MessageKind.NOTICE_ANNOUNCED,
    MessageKind.NOTICE_REMINDER,
    MessageKind.NOTICE_WITHDRAWN,
}
CUSTOMER_NOTICE_KINDS = {
    MessageKind.CUSTOMER_NOTICE_ANNOUNCED,
    MessageKind.CUSTOMER_NOTICE_REMINDER,
    MessageKind.CUSTOMER_NOTICE_WITHDRAWN,
    MessageKind.CUSTOMER_NOTICE_MOVED,
}


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_due", "state", "next_attempt_at"),
        sa.Index("ix_outbox_message_subject", "subject_id", "kind", "state"),
        sa.CheckConstraint("attempts >= 0", name="attempts_counted"),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name="sent_when_sent"),
    )

    id: Mapped[int_pk]
    # The channel it goes through (`registry.outbox.channels`).
    channel: Mapped[str] = mapped_column(sa.String(20), default="email", server_default="email")
    kind: Mapped[MessageKind] = mapped_column(enum_by_value(MessageKind, "message_kind"))
    # What makes the message one of its kind, e.g. "objection_confirmation:17:1": queueing the
    # same key twice (a retried request, a double click) sends one message.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # The channel's address: an email address for email.
    recipient: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8))
    # The row the message is about (an objection, a notice), by kind; read when it is composed.
    subject_id: Mapped[int]
    # The subscriber a notice email goes to (its links are signed for them); kept off when the
    # subscriber is erased.
    subscriber_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("subscriber.id", ondelete="SET NULL"), index=True
    )
    # The customer's contact it goes to: the proof of what each customer was sent.
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customer_contact.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[DeliveryState] = mapped_column(enum_by_value(DeliveryState, "delivery_state"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    lease_token: Mapped[str | None] = mapped_column(sa.String(32))
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What identifies the delivered message at the other end: an email's Message-ID.
    message_id: Mapped[str | None] = mapped_column(sa.String(254))
    # The channel's last answer (a mail server's), or why the connection failed; kept when the
    # message is sent after retries, so the delivery report shows what happened.
    last_error: Mapped[str | None] = mapped_column(sa.Text)
