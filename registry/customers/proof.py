"""Proof per customer: which contacts of which customer were sent what, when, and what the
receiving server answered, read from the outbox (`OutboxMessage.contact_id`)."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from registry import clock, labels
from registry.extensions import db
from registry.models import (
    Customer,
    CustomerContact,
    CustomerNotice,
    MessageKind,
    Objection,
    OutboxMessage,
)

ERASED_CONTACT = "—"


def deliveries(notice_id: int | None = None, customer_id: int | None = None) -> list[dict]:
    """Every message to a customer's contacts, about `notice_id` and to `customer_id` when
    given, oldest first: the customer, the contact (by name, or by pseudonym once erased), the
    kind, the notice it is about, when it was queued and sent, its state and the server's
    answer (the Message-ID it was accepted under, or the last refusal)."""
    about = aliased(CustomerNotice)
    objection = aliased(Objection)
    notice_of = sa.case(
        (OutboxMessage.kind == MessageKind.OBJECTION_OUTCOME, objection.notice_id),
        else_=about.notice_id,
    )
    query = (
        sa.select(OutboxMessage, CustomerContact, Customer, notice_of.label("notice_id"))
        .join(CustomerContact, CustomerContact.id == OutboxMessage.contact_id)
        .join(Customer, Customer.id == CustomerContact.customer_id)
        .outerjoin(
            about,
            sa.and_(
                about.id == OutboxMessage.subject_id,
                OutboxMessage.kind.in_(CUSTOMER_NOTICE_MESSAGES),
            ),
        )
        .outerjoin(
            objection,
            sa.and_(
                objection.id == OutboxMessage.subject_id,
                OutboxMessage.kind == MessageKind.OBJECTION_OUTCOME,
            ),
        )
        .order_by(OutboxMessage.queued_at, OutboxMessage.id)
    )
    if notice_id is not None:
        query = query.where(notice_of == notice_id)
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    return [
        {
            "customer_id": customer.id,
            "customer": customer.organisation,
            "reference": customer.reference,
            "contact": contact.name or ERASED_CONTACT,
            "pseudonym": contact.pseudonym,
            "recipient": message.recipient,
            "kind": message.kind.value,
            "kind_label": str(labels.MESSAGE_KINDS[message.kind]),
            "notice_id": notice,
            "queued_at": message.queued_at,
            "queued_at_local": clock.local_text(message.queued_at),
            "sent_at": message.sent_at,
            "sent_at_local": clock.local_text(message.sent_at) if message.sent_at else None,
            "state": message.state.value,
            "state_label": str(labels.DELIVERY_STATES[message.state]),
            "attempts": message.attempts,
            "message_id": message.message_id,
            "answer": message.last_error,
        }
        for message, contact, customer, notice in db.session.execute(query)
    ]


CUSTOMER_NOTICE_MESSAGES = (
    MessageKind.CUSTOMER_NOTICE_ANNOUNCED,
    MessageKind.CUSTOMER_NOTICE_REMINDER,
    MessageKind.CUSTOMER_NOTICE_WITHDRAWN,
    MessageKind.CUSTOMER_NOTICE_MOVED,
)
