"""Objections to announced changes, from the provider's customers.

GDPR Art. 28(2) and SCC clause 9(a) option 2 give a customer the right to object to an intended
change before it takes effect. An objection counts once its contact address is confirmed; the
legal team then discusses and resolves it.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.changes import ChangeNotice
from registry.models.customers import Customer


class ObjectionState(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # submitted; the contact address is not yet confirmed
    OPEN = "open"
    IN_DISCUSSION = "in_discussion"
    RESOLVED = "resolved"


class ObjectionOutcome(enum.StrEnum):
    CHANGE_WITHDRAWN = "change_withdrawn"
    # The customer's data are kept away from the subprocessor (or from what the change adds).
    DATA_EXCLUDED = "data_excluded"
    OBJECTION_WITHDRAWN = "objection_withdrawn"  # by the customer
    CONTRACT_ENDED = "contract_ended"  # by the customer
    CONTRACT_ENDED_BY_US = "contract_ended_by_us"  # under clause 3.9 of the addendum
    REJECTED = "rejected"  # not legitimate; the reason is told to the customer


class Objection(db.Model):
    __tablename__ = "objection"
    __table_args__ = (
        # The same person objecting twice for the same customer is one objection.
        sa.UniqueConstraint("notice_id", "contact_email", "customer_reference"),
        sa.CheckConstraint(
            "(state = 'unconfirmed') = (confirmed_at IS NULL)", name="confirmed_when_counted"
        ),
        sa.CheckConstraint(
            "(state = 'resolved') = (outcome IS NOT NULL AND resolved_at IS NOT NULL)",
            name="resolved_with_outcome",
        ),
        sa.CheckConstraint("submitted_at <= confirmed_at", name="confirmed_after_submitted"),
        sa.CheckConstraint("confirmation_requests >= 0", name="confirmation_requests_counted"),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome != 'rejected' OR outcome_reason IS NOT NULL",
            name="rejection_says_why",
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("change_notice.id"), index=True)
    # The customer it binds, once known: from the signed link in its notice, or its reference
    # and a registered contact's address. None: anyone else's objection.
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customer_contact.id", ondelete="SET NULL")
    )
    state: Mapped[ObjectionState] = mapped_column(enum_by_value(ObjectionState, "objection_state"))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    customer_reference: Mapped[str] = mapped_column(sa.String(100))
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254))  # normalised, lower case
    grounds: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))  # of the emails to the contact
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many confirmation emails were queued; capped so the form cannot flood a mailbox.
    confirmation_requests: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[ObjectionOutcome | None] = mapped_column(
        enum_by_value(ObjectionOutcome, "objection_outcome")
    )
    # The legal team's working note; not shown to the objector.
    note: Mapped[str | None] = mapped_column(sa.Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Told to the customer with the outcome; required for a rejection.
    outcome_reason: Mapped[str | None] = mapped_column(sa.Text)

    notice: Mapped[ChangeNotice] = relationship()
    customer: Mapped[Customer | None] = relationship()
