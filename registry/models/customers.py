"""Customers: the controllers we process for, their contracts with us, and how each change
notice applies to each of them.

A customer contracts with one of our entities for some of our services, under a data processing
addendum that gives either a general written authorisation (GDPR Art. 28(2): informed of every
intended change, with the right to object within its notice period) or a specific one (each new
subprocessor needs its prior written approval). Its contacts receive the notices; they are
personal data, erasable, and known to the audit trail only by a pseudonym.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk, name_text
from registry.extensions import db
from registry.models.changes import ChangeNotice
from registry.models.register import Entity
from registry.models.vocabulary import Service

customer_service = sa.Table(
    "customer_service",
    db.metadata,
    sa.Column("customer_id", sa.ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True),
)


class Authorisation(enum.StrEnum):
    """What the customer's addendum authorises (GDPR Art. 28(2), first sentence)."""

    GENERAL = "general"  # general written authorisation: informed in advance, may object
    SPECIFIC = "specific"  # prior specific written authorisation for each subprocessor


class Customer(db.Model):
    __tablename__ = "customer"
    __table_args__ = (
        sa.CheckConstraint("notice_days >= 1", name="notice_days_positive"),
        sa.CheckConstraint(
            "shortest_notice_days IS NULL OR "
            "(shortest_notice_days >= 1 AND shortest_notice_days <= notice_days)",
            name="shortest_notice_within_notice",
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    organisation: Mapped[name_text]
    # The customer's reference in our contracts; what a customer gives when it objects.
    reference: Mapped[str] = mapped_column(sa.String(100), unique=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    dpa_version: Mapped[str | None] = mapped_column(sa.String(40))
    dpa_signed_on: Mapped[date | None]
    authorisation: Mapped[Authorisation] = mapped_column(
        enum_by_value(Authorisation, "authorisation")
    )
    # Days between a notice and the deadline for objections, as the contract says.
    notice_days: Mapped[int]
    # The shortest notice the contract allows us to give (an urgent replacement); none: the
    # contract allows no shorter notice.
    shortest_notice_days: Mapped[int | None]
    language: Mapped[str] = mapped_column(sa.String(8))  # of the emails to the contacts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the contract ended: no more notices go to the customer.
    contract_ended_on: Mapped[date | None]
    # The private feeds' token; replaced (so revoked) on request.
    feed_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    entity: Mapped[Entity] = relationship()
    services: Mapped[list[Service]] = relationship(
        secondary=customer_service, order_by=Service.name
    )
    contacts: Mapped[list["CustomerContact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerContact.id"
    )

    def __repr__(self) -> str:
        return f"<Customer {self.reference}>"


class CustomerContact(db.Model):
    """A person at the customer who receives notices. Erasing one keeps the row, without the
    name and address, so that the record of what was sent to the customer stays whole."""

    __tablename__ = "customer_contact"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "email"),
        sa.CheckConstraint(
            "(erased_at IS NULL) = (email IS NOT NULL AND name IS NOT NULL)",
            name="erased_has_no_address",
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    # What the audit trail knows of the contact: random, so it says nothing about the person.
    pseudonym: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)  # normalised
    role: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class ImportState(enum.StrEnum):
    """Where an uploaded file of customers stands."""

    PENDING = "pending"  # previewed; nothing of it is in the register yet
    APPLIED = "applied"  # applied in one transaction; its rows are no longer kept


class CustomerImport(db.Model):
    """A file of customers uploaded for import, kept between its preview and its application
    (`registry.customers.imports`). Its rows hold contacts' names and addresses: they are
    emptied once the file is applied, and once its preview has expired."""

    __tablename__ = "customer_import"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[int_pk]
    uploaded_by: Mapped[str] = mapped_column(sa.String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filename: Mapped[str] = mapped_column(sa.String(255))
    # The file's rows as read: {"row": its number in the file, column: the cell's text, …}.
    rows: Mapped[list[dict]] = mapped_column(sa.JSON)
    state: Mapped[ImportState] = mapped_column(
        enum_by_value(ImportState, "customer_import_state"), default=ImportState.PENDING
    )
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_by: Mapped[str | None] = mapped_column(sa.String(254))
    # What the application did: the counts of rows created, changed, unchanged and refused.
    summary: Mapped[dict | None] = mapped_column(sa.JSON)


class CustomerEffect(enum.StrEnum):
    """Where a change stands for one customer."""

    PENDING = "pending"  # announced, not yet in effect
    IN_EFFECT = "in_effect"
    # In effect for others; not for this customer while its objection is open or its approval
    # is awaited: the subprocessor must not process the customer's data as the change proposes.
    HELD = "held"
    EXCLUDED = "excluded"  # resolved: the customer's data are kept away from the subprocessor
    WITHDRAWN = "withdrawn"  # the change was withdrawn
    CONTRACT_ENDED = "contract_ended"  # resolved by ending the contract


class CustomerNotice(db.Model):
    """A change notice as it applies to one customer it concerns: its own objection deadline
    from its own notice period, its approval where the authorisation is specific, and whether
    the change is in effect for it."""

    __tablename__ = "customer_notice"
    __table_args__ = (
        sa.UniqueConstraint("notice_id", "customer_id"),
        sa.CheckConstraint(
            "approved_at IS NULL OR needs_approval", name="approved_only_when_needed"
        ),
        sa.CheckConstraint("revision >= 0", name="revision_counted"),
    )

    id: Mapped[int_pk]
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("change_notice.id"), index=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    notice_days: Mapped[int]
    objection_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    needs_approval: Mapped[bool]
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who approved: a contact's pseudonym, or the admin who recorded a written approval.
    approved_by: Mapped[str | None] = mapped_column(sa.String(254))
    effect: Mapped[CustomerEffect] = mapped_column(enum_by_value(CustomerEffect, "customer_effect"))
    effect_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised whenever a date or the state changes: calendar events update in place.
    revision: Mapped[int] = mapped_column(default=0)

    notice: Mapped[ChangeNotice] = relationship()
    customer: Mapped[Customer] = relationship()
