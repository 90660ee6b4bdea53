"""Email, the channel every message has gone through so far.

`composer` writes what each kind of message says, `wire` makes it a complete email, and
`transports` delivers it over SMTP (`pipelining` when the server allows) or into `.eml` files.
A notice goes to every confirmed subscriber who wants it: those who chose no service, and those
who chose a service of the subprocessor it is about (old or new). A customer's events go to each
of its contacts not erased, in the customer's language: its notices (not when one takes effect:
the customer's own view and feeds say so) and a webhook endpoint of its disabled.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from registry.models import (
    CUSTOMER_NOTICE_KINDS,
    ChangeNotice,
    Customer,
    CustomerContact,
    MessageKind,
    Subscriber,
    SubscriptionState,
    subscriber_service,
)
from registry.outbox.channels import EMAIL, Failure, Outcome, Outgoing
from registry.outbox.channels.email import transports
from registry.outbox.channels.email.composer import Composer
from registry.outbox.channels.email.transports import DeliveryError
from registry.outbox.channels.email.wire import Envelope

# The customer's events its contacts are emailed.
CUSTOMER_KINDS = CUSTOMER_NOTICE_KINDS | {MessageKind.WEBHOOK_DISABLED}


class EmailChannel:
    name = EMAIL

    def recipients(self, notice: ChangeNotice, kind: MessageKind) -> sa.Select:
        services = {service.id for service in notice.subprocessor.services}
        if notice.replaced_subprocessor is not None:
            services |= {service.id for service in notice.replaced_subprocessor.services}
        chose = sa.select(subscriber_service.c.subscriber_id).where(
            subscriber_service.c.subscriber_id == Subscriber.id
        )
        wants = sa.or_(
            ~chose.exists(), chose.where(subscriber_service.c.service_id.in_(services)).exists()
        )
        return sa.select(
            sa.cast(Subscriber.id, sa.String).label("reference"),
            Subscriber.email.label("recipient"),
            Subscriber.language.label("language"),
            Subscriber.id.label("subscriber_id"),
        ).where(Subscriber.state == SubscriptionState.CONFIRMED, wants)

    def customer_recipients(self, kind: MessageKind, events: sa.Subquery) -> sa.Select | None:
        if kind not in CUSTOMER_KINDS:
            return None
        return (
            sa.select(
                (events.c.key + ":" + sa.cast(CustomerContact.id, sa.String)).label("key"),
                CustomerContact.email.label("recipient"),
                Customer.language.label("language"),
                events.c.subject_id.label("subject_id"),
                CustomerContact.id.label("contact_id"),
            )
            .select_from(events)
            .join(Customer, Customer.id == events.c.customer_id)
            .join(CustomerContact, CustomerContact.customer_id == Customer.id)
            .where(CustomerContact.erased_at.is_(None), Customer.contract_ended_on.is_(None))
        )

    def connections(self) -> int:
        """How many SMTP connections a worker delivers over at once (MAIL_SMTP_CONNECTIONS);
        one when emails go to files."""
        config = current_app.config
        return config["MAIL_SMTP_CONNECTIONS"] if config.get("MAIL_SMTP_HOST") else 1

    @contextmanager
    def sender(self) -> Iterator["EmailSender"]:
        sender = EmailSender(transports.transport_from_config())
        try:
            yield sender
        finally:
            sender.transport.close()

    def classify(self, error: Exception) -> Failure | None:
        if not isinstance(error, DeliveryError):
            return None
        if error.permanent:
            return Failure(Outcome.FAIL, error.answer)
        # The server is unreachable or closing: the rest of the batch waits as long as this
        # message, without an attempt counted against it.
        return Failure(Outcome.HOLD if error.connection_lost else Outcome.RETRY, error.answer)


class EmailSender:
    """One round's emails: each rendering kept for the round, one transport for all of them."""

    def __init__(self, transport: transports.Transport) -> None:
        self.transport = transport
        self.composer = Composer()

    def compose(self, message: Outgoing) -> Envelope:
        return self.composer.compose(message)

    def deliver(self, envelope: Envelope) -> str:
        try:
            self.transport.send(envelope)
        except DeliveryError:
            raise
        except Exception:  # e.g. an address smtplib cannot encode: the connection starts afresh
            self.transport.close()
            raise
        return envelope.message_id
