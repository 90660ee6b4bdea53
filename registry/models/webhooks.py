"""Webhook endpoints: HTTPS addresses a customer (or an admin for it) registers to hear of every
notice event that concerns the customer, delivered by the outbox's webhook channel
(`registry.outbox.channels.webhook`) and signed per the Standard Webhooks specification.

The signing secret is kept as the receiver holds it (`whsec_` and base64): the registry must
sign with it, so it cannot be kept as a hash. A rotated secret stays beside the new one until
`previous_secret_expires_at`, and deliveries meanwhile carry both signatures. Each delivery
attempt is kept (`WebhookAttempt`): the endpoint's log, for the admin and the customer.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.customers import Customer


class WebhookFormat(enum.StrEnum):
    """What the endpoint is sent: the Standard Webhooks JSON, or a chat message."""

    STANDARD = "standard"
    SLACK = "slack"  # a Slack incoming webhook
    TEAMS = "teams"  # a Microsoft Teams incoming webhook or Workflows trigger


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoint"
    __table_args__ = (
        sa.CheckConstraint("consecutive_failures >= 0", name="failures_counted"),
        sa.CheckConstraint("enabled OR disabled_at IS NOT NULL", name="disabled_says_when"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    # May hold a token (Slack's and Teams' addresses do): shown in full to its customer and the
    # team only, never on the audit trail or in the outbox.
    url: Mapped[str] = mapped_column(sa.String(2048))
    format: Mapped[WebhookFormat] = mapped_column(enum_by_value(WebhookFormat, "webhook_format"))
    description: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    secret: Mapped[str] = mapped_column(sa.String(100))
    previous_secret: Mapped[str | None] = mapped_column(sa.String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(sa.String(254))
    enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Failed attempts since the last delivered one: at WEBHOOK_DISABLE_AFTER_FAILURES the
    # endpoint is disabled.
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")

    customer: Mapped[Customer] = relationship()


class WebhookAttempt(db.Model):
    """One delivery attempt: when, the outbox message, the HTTP status or the error, and how
    long the endpoint took to answer."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (sa.Index("ix_webhook_attempt_endpoint", "endpoint_id", "attempted_at"),)

    id: Mapped[int_pk]
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoint.id", ondelete="CASCADE")
    )
    message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    # The event's type as the receiver saw it ("notice.announced") and its webhook-id.
    event_type: Mapped[str] = mapped_column(sa.String(60))
    webhook_id: Mapped[str] = mapped_column(sa.String(200))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    duration_ms: Mapped[int]
    delivered: Mapped[bool]
