"""Webhooks, the outbox's second channel: every event about a customer (its notices as they
apply to it: announced, reminder, moved, withdrawn, in effect; the outcome of its objection)
is POSTed as JSON to each of its endpoints, signed per Standard Webhooks (`signing`), in the
endpoint's format (`payloads`: standard, Slack, Teams), over `transport` (HTTPS to public
addresses, 10 seconds, no redirects).

A message's recipient is its endpoint's id (the address may hold a token, as Slack's and
Teams' do, so it stays in `webhook_endpoint`), its key the event's and `webhook:<endpoint>`,
so each event reaches each endpoint once, and its `webhook-id` is made from that key, so a
retry carries the same id and a receiver drops what it already has. A 2xx answer delivers
it; anything else is tried again with the outbox's backoff. Each attempt goes in the
endpoint's log, and enough failures in a row disable the endpoint
(`customers.webhooks.record_attempt`). A disabled endpoint's messages fail at once, without
an attempt; enabling it queues them again.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from registry import clock
from registry.customers import webhooks
from registry.extensions import db
from registry.models import (
    Customer,
    MessageKind,
    WebhookEndpoint,
)
from registry.outbox.channels import Failure, Outcome, Outgoing
from registry.outbox.channels.webhook import payloads, signing, transport

WEBHOOK = "webhook"
# The customer's events its endpoints hear of.
CUSTOMER_KINDS = set(payloads.EVENT_TYPES) - {MessageKind.WEBHOOK_TEST}


class WebhookFailed(Exception):
    """An endpoint did not take a message: `answer` says why; `final` when trying again
    cannot help (the endpoint is disabled)."""

    def __init__(self, answer: str, final: bool = False) -> None:
        super().__init__(answer)
        self.answer = answer
        self.final = final


@dataclass(frozen=True)
class Composed:
    message_id: int
    endpoint_id: int
    url: str
    enabled: bool
    event_type: str
    webhook_id: str
    body: str
    headers: dict[str, str]


class WebhookChannel:
    name = WEBHOOK

    def recipients(self, notice, kind: MessageKind) -> None:
        """Webhooks are a customer's: the public notices go to subscribers by email only."""
        return None

    def customer_recipients(self, kind: MessageKind, events: sa.Subquery) -> sa.Select | None:
        if kind not in CUSTOMER_KINDS:
            return None
        return (
            sa.select(
                (events.c.key + ":" + WEBHOOK + ":" + sa.cast(WebhookEndpoint.id, sa.String)).label(
                    "key"
                ),
                sa.cast(WebhookEndpoint.id, sa.String).label("recipient"),
                Customer.language.label("language"),
                events.c.subject_id.label("subject_id"),
            )
            .select_from(events)
            .join(WebhookEndpoint, WebhookEndpoint.customer_id == events.c.customer_id)
            .join(Customer, Customer.id == events.c.customer_id)
            .where(Customer.contract_ended_on.is_(None))
        )

    @contextmanager
    def sender(self) -> Iterator["WebhookSender"]:
        yield WebhookSender()

    def classify(self, error: Exception) -> Failure | None:
        if not isinstance(error, WebhookFailed):
            return None
        # One endpoint down never holds the others: each message waits on its own.
        return Failure(Outcome.FAIL if error.final else Outcome.RETRY, error.answer)


class WebhookSender:
    def compose(self, message: Outgoing) -> Composed:
        endpoint = db.session.get(WebhookEndpoint, int(message.recipient))
        if endpoint is None:
            raise LookupError(f"webhook endpoint {message.recipient} no longer exists")
        with force_locale(message.language):
            told = payloads.event(message.kind, message.subject_id)
            body = payloads.payload(endpoint.format, told, clock.utc_text(message.queued_at))
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
        webhook_id = webhook_id_of(message.key)
        # The receiver checks the timestamp against its own clock, not the registry's.
        sent_at = int(clock.machine_seconds())
        return Composed(
            message.id,
            endpoint.id,
            endpoint.url,
            endpoint.enabled,
            told.type,
            webhook_id,
            text,
            signing.headers(webhooks.signing_secrets(endpoint), webhook_id, sent_at, text),
        )

    def deliver(self, composed: Composed) -> str:
        if not composed.enabled:
            raise WebhookFailed("the endpoint is disabled", final=True)
        allow_private = current_app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"]
        answer = transport.post(
            composed.url, composed.body.encode(), composed.headers, allow_private
        )
        webhooks.record_attempt(
            composed.endpoint_id,
            webhooks.Attempt(
                message_id=composed.message_id,
                event_type=composed.event_type,
                webhook_id=composed.webhook_id,
                status=answer.status,
                answer=answer.text,
                duration_ms=answer.duration_ms,
                delivered=answer.delivered,
            ),
        )
        db.session.commit()
        if not answer.delivered:
            raise WebhookFailed(answer.text)
        return composed.webhook_id


def webhook_id_of(key: str) -> str:
    """The `webhook-id` of the message queued under `key`: the same at every attempt."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]
