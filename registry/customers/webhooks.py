"""A customer's webhook endpoints: registered by the customer (from its own view) or by the
team for it, each with its signing secret, shown once; rotated with an overlap; disabled and
enabled; deleted; sent a test event. The outbox's webhook channel delivers to them
(`registry.outbox.channels.webhook`) and records each attempt here (`record_attempt`), which
disables an endpoint after WEBHOOK_DISABLE_AFTER_FAILURES failures in a row and emails the
customer's contacts.

Every step is on the audit trail, where an endpoint is known by its host only: its address may
hold a token, and its secret is never written there. The caller commits.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, clock, outbox
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    Customer,
    DeliveryState,
    MessageKind,
    OutboxMessage,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookFormat,
)
from registry.outbox.channels.webhook import signing, transport

CHANNEL = "webhook"  # the outbox channel's name (registry.outbox.channels.webhook)
# The attempts each endpoint's log shows, newest first.
LOG_LENGTH = 20
MOST_ENDPOINTS = 10  # per customer


class WebhookError(DomainError):
    """An endpoint cannot be registered or changed as asked; the message says why."""


@dataclass(frozen=True)
class EndpointValues:
    url: str
    format: WebhookFormat
    description: str = ""


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt as the channel saw it."""

    message_id: int
    event_type: str
    webhook_id: str
    status: int | None
    answer: str
    duration_ms: int
    delivered: bool


def register_endpoint(
    customer: Customer, values: EndpointValues, actor: str
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the customer; return it and its signing secret, which is
    shown this once. Raises WebhookError for an address the registry does not post to, or
    when the customer has MOST_ENDPOINTS already."""
    if len(endpoints_of(customer)) >= MOST_ENDPOINTS:
        raise WebhookError(
            _("A customer has at most %(n)d webhook endpoints.", n=MOST_ENDPOINTS), field="url"
        )
    endpoint = WebhookEndpoint(
        customer=customer,
        url=checked_url(values.url),
        format=WebhookFormat(values.format),
        description=values.description.strip(),
        secret=signing.new_secret(),
        created_at=clock.now(),
        created_by=actor,
        enabled=True,
        consecutive_failures=0,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(
        actor, "webhook.registered", "webhook_endpoint", endpoint.id, after=snapshot(endpoint)
    )
    return endpoint, endpoint.secret


def rotate_secret(endpoint: WebhookEndpoint, actor: str) -> str:
    """Give the endpoint a new secret and return it (shown this once). The current one keeps
    signing beside it for WEBHOOK_ROTATION_OVERLAP_HOURS, so the receiver can switch in its
    own time; a secret rotated before is forgotten at once."""
    before = snapshot(endpoint)
    hours = current_app.config["WEBHOOK_ROTATION_OVERLAP_HOURS"]
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = clock.now() + timedelta(hours=hours)
    endpoint.secret = signing.new_secret()
    audit.record(
        actor,
        "webhook.secret_rotated",
        "webhook_endpoint",
        endpoint.id,
        before=before,
        after=snapshot(endpoint),
    )
    return endpoint.secret


def disable(endpoint: WebhookEndpoint, actor: str, reason: str) -> bool:
    """Stop delivering to the endpoint; its messages fail until it is enabled again. False if
    it was disabled already."""
    if not endpoint.enabled:
        return False
    before = snapshot(endpoint)
    endpoint.enabled = False
    endpoint.disabled_at = clock.now()
    endpoint.disabled_reason = reason
    audit.record(
        actor,
        "webhook.disabled",
        "webhook_endpoint",
        endpoint.id,
        before=before,
        after=snapshot(endpoint),
    )
    return True


def enable(endpoint: WebhookEndpoint, actor: str) -> int:
    """Deliver to the endpoint again, counting its failures afresh, and queue again what
    failed to reach it (a receiver drops what it already has by `webhook-id`); return how
    many messages were queued again. Enabling an enabled endpoint changes nothing."""
    if endpoint.enabled:
        return 0
    before = snapshot(endpoint)
    endpoint.enabled = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = None
    endpoint.consecutive_failures = 0
    db.session.flush()
    queued = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            *_messages_to(endpoint),
            OutboxMessage.state == DeliveryState.FAILED,
        )
        .values(
            state=DeliveryState.QUEUED,
            attempts=0,
            next_attempt_at=clock.now(),
            lease_token=None,
            leased_until=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    after = snapshot(endpoint) | {"queued_again": queued}
    audit.record(actor, "webhook.enabled", "webhook_endpoint", endpoint.id, before, after)
    return queued


def delete(endpoint: WebhookEndpoint, actor: str) -> None:
    """Forget the endpoint, its secret and its log; what was still queued for it fails."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(*_messages_to(endpoint), OutboxMessage.state == DeliveryState.QUEUED)
        .values(state=DeliveryState.FAILED, last_error="endpoint deleted before it was sent")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        actor, "webhook.deleted", "webhook_endpoint", endpoint.id, before=snapshot(endpoint)
    )
    db.session.delete(endpoint)
    db.session.flush()


def send_test(endpoint: WebhookEndpoint, actor: str) -> bool:
    """Queue a test event to the endpoint; False if one was queued within the same minute (a
    double click sends one)."""
    minute = int(clock.now().timestamp() // 60)
    queued = outbox.enqueue(
        MessageKind.WEBHOOK_TEST,
        f"{MessageKind.WEBHOOK_TEST.value}:{endpoint.id}:{minute}",
        str(endpoint.id),
        endpoint.customer.language,
        endpoint.id,
        channel=CHANNEL,
    )
    if queued:
        audit.record(actor, "webhook.test_queued", "webhook_endpoint", endpoint.id)
    return queued


def record_attempt(endpoint_id: int, attempt: Attempt) -> None:
    """Keep one delivery attempt in the endpoint's log and count it: a delivery clears the
    failures, and the WEBHOOK_DISABLE_AFTER_FAILURES-th failure in a row disables the endpoint
    and emails the customer's contacts. An endpoint deleted meanwhile keeps nothing."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is None:
        return
    db.session.add(
        WebhookAttempt(
            endpoint_id=endpoint.id,
            message_id=attempt.message_id,
            event_type=attempt.event_type,
            webhook_id=attempt.webhook_id,
            attempted_at=clock.now(),
            status=attempt.status,
            error=None if attempt.delivered else attempt.answer,
            duration_ms=attempt.duration_ms,
            delivered=attempt.delivered,
        )
    )
    if attempt.delivered:
        endpoint.consecutive_failures = 0
        return
    endpoint.consecutive_failures += 1
    limit = current_app.config["WEBHOOK_DISABLE_AFTER_FAILURES"]
    if endpoint.enabled and endpoint.consecutive_failures >= limit:
        reason = f"{endpoint.consecutive_failures} failed attempts in a row; last: {attempt.answer}"
        disable(endpoint, "worker", reason)
        _tell_contacts_disabled(endpoint)


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the one it replaced
    while the rotation's overlap lasts."""
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and clock.now() < expires:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def checked_url(url: str) -> str:
    """`url` if the registry posts to it. Raises WebhookError on the form's `url` field."""
    allow_private = current_app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"]
    try:
        return transport.checked_url(url, allow_private)
    except transport.AddressRefused as refused:
        raise WebhookError(str(refused), field="url") from None


def endpoints_of(customer: Customer) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            sa.select(WebhookEndpoint)
            .where(WebhookEndpoint.customer_id == customer.id)
            .order_by(WebhookEndpoint.id)
        )
    )


def endpoint_of(customer: Customer, endpoint_id: int) -> WebhookEndpoint | None:
    """The customer's endpoint of that id; None for another customer's."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    return endpoint if endpoint is not None and endpoint.customer_id == customer.id else None


def delivery_log(customer: Customer) -> dict[int, list[dict]]:
    """Each endpoint's latest attempts (LOG_LENGTH), newest first: when, the event and its
    webhook-id, the HTTP status or the error, and how long the endpoint took."""
    log: dict[int, list[dict]] = {}
    for endpoint in endpoints_of(customer):
        attempts = db.session.scalars(
            sa.select(WebhookAttempt)
            .where(WebhookAttempt.endpoint_id == endpoint.id)
            .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
            .limit(LOG_LENGTH)
        )
        log[endpoint.id] = [
            {
                "attempted_at_local": clock.local_text(attempt.attempted_at),
                "attempted_at": clock.utc_text(attempt.attempted_at),
                "event_type": attempt.event_type,
                "webhook_id": attempt.webhook_id,
                "status": attempt.status,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
                "delivered": attempt.delivered,
            }
            for attempt in attempts
        ]
    return log


def snapshot(endpoint: WebhookEndpoint) -> dict:
    """What the trail keeps of an endpoint: its host, never its address or secret."""
    expires = endpoint.previous_secret_expires_at
    return {
        "customer": endpoint.customer.reference,
        "host": urlsplit(endpoint.url).hostname,
        "format": endpoint.format.value,
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "previous_secret_until": clock.utc_text(expires) if expires else None,
    }


def display_address(endpoint: WebhookEndpoint) -> str:
    """The endpoint's address with its path shortened: enough to tell it apart, not the token
    a chat's address holds."""
    parts = urlsplit(endpoint.url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path not in ("", "/") else endpoint.url


def _messages_to(endpoint: WebhookEndpoint) -> tuple:
    return (OutboxMessage.channel == CHANNEL, OutboxMessage.recipient == str(endpoint.id))


def _tell_contacts_disabled(endpoint: WebhookEndpoint) -> None:
    kind = MessageKind.WEBHOOK_DISABLED
    disabled = int(endpoint.disabled_at.timestamp())
    event = sa.select(
        sa.literal(f"{kind.value}:{endpoint.id}:{disabled}").label("key"),
        sa.literal(endpoint.customer_id).label("customer_id"),
        sa.literal(endpoint.id).label("subject_id"),
    )
    outbox.tell_customers(kind, event)
