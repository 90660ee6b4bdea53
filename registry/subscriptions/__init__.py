"""Subscribing to the email notices: double opt-in, one click to leave.

`subscribe` answers the same whatever the address's history, so the form tells nobody who is
subscribed; the emails differ, and only the address's owner reads them.
"""

from datetime import timedelta

import sqlalchemy as sa

from registry import clock, outbox
from registry.accounts import AccountError, normalised_email
from registry.domain import DomainError
from registry.extensions import db
from registry.models import MessageKind, Service, Subscriber, SubscriptionState

MAX_CONFIRMATION_EMAILS = 3
RESEND_AFTER = timedelta(minutes=10)
# What an erased address becomes in the outbox's records.
ERASED = "erased@erased.invalid"


class SubscriptionError(DomainError):
    """The address cannot be subscribed as given; the message says why."""


def subscribe(email: str, language: str, service_ids: list[int]) -> Subscriber:
    """Record the wish to subscribe and queue the confirmation email; a confirmed subscriber
    is left as they are. Raises SubscriptionError for a bad address. The caller commits."""
    try:
        address = normalised_email(email)
    except AccountError as error:
        raise SubscriptionError(str(error)) from None
    services = list(db.session.scalars(sa.select(Service).where(Service.id.in_(service_ids))))
    subscriber = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == address))
    now = clock.now()
    if subscriber is None:
        subscriber = Subscriber(
            email=address,
            language=language,
            state=SubscriptionState.PENDING,
            subscribed_at=now,
            confirmation_requests=1,
            services=services,
        )
        db.session.add(subscriber)
        db.session.flush()
    elif subscriber.state is SubscriptionState.CONFIRMED:
        return subscriber
    elif subscriber.state is SubscriptionState.UNSUBSCRIBED:
        subscriber.state = SubscriptionState.PENDING
        subscriber.language, subscriber.services = language, services
        subscriber.subscribed_at, subscriber.unsubscribed_at = now, None
        subscriber.confirmation_requests += 1
    elif subscriber.confirmation_requests < MAX_CONFIRMATION_EMAILS and not _asked_lately(
        subscriber
    ):
        subscriber.language, subscriber.services = language, services
        subscriber.confirmation_requests += 1
    else:
        return subscriber
    outbox.enqueue(
        MessageKind.SUBSCRIPTION_CONFIRMATION,
        f"subscription_confirmation:{subscriber.id}:{subscriber.confirmation_requests}",
        subscriber.email,
        subscriber.language,
        subscriber.id,
        subscriber_id=subscriber.id,
    )
    return subscriber


def erase(email: str) -> bool:
    """Forget an address (GDPR Art. 17): the subscriber goes, and the outbox keeps only that
    messages were sent, not to whom. Returns whether the address was known. The caller
    commits."""
    try:
        address = normalised_email(email)
    except AccountError as error:
        raise SubscriptionError(str(error)) from None
    subscriber = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == address))
    outbox.forget_recipient(address, ERASED)
    if subscriber is None:
        return False
    outbox.cancel_for_subscriber(subscriber.id)
    db.session.delete(subscriber)
    return True


def confirm(subscriber: Subscriber) -> None:
    """The address is confirmed: notices go to it from now on. The caller commits."""
    if subscriber.state is SubscriptionState.PENDING:
        subscriber.state = SubscriptionState.CONFIRMED
        subscriber.confirmed_at = clock.now()


def unsubscribe(subscriber: Subscriber) -> None:
    """Nothing more goes to the address, not even what is already queued. Idempotent. The
    caller commits."""
    if subscriber.state is not SubscriptionState.UNSUBSCRIBED:
        subscriber.state = SubscriptionState.UNSUBSCRIBED
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = clock.now()
        subscriber.confirmation_requests = 1
    outbox.cancel_for_subscriber(subscriber.id)


def _asked_lately(subscriber: Subscriber) -> bool:
    """Whether a confirmation email went out less than RESEND_AFTER ago (a double click)."""
    since = clock.now() - RESEND_AFTER
    return (
        outbox.queued_since(MessageKind.SUBSCRIPTION_CONFIRMATION, since, subject_id=subscriber.id)
        > 0
    )
