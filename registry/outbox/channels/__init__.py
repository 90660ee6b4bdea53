"""The channels the outbox delivers through, and what the worker knows of each.

A channel is named in every outbox row it carries (`OutboxMessage.channel`). It says who hears
of a notice on it (fan-out), and for each worker round it opens a `Sender` that composes a
message and delivers it over whatever the channel keeps open for the round (one SMTP connection
for email). When a delivery raises, the channel tells the worker what the error means: try the
message again later, hold the channel's other messages too, or give up, with the answer to keep.

The application registers its channels when it is built (`register_channel`); the worker
delivers only the messages of registered channels, so a channel taken out of the configuration
leaves its messages queued, not failed.
"""

import enum
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from registry.models import ChangeNotice, MessageKind

EXTENSION = "registry.channels"
# The channel of every message queued before there were others, and of those queued by name.
EMAIL = "email"


@dataclass(frozen=True)
class Outgoing:
    """One outbox row as the worker claimed it. `recipient` is the channel's address (an email
    address for email)."""

    id: int
    channel: str
    kind: MessageKind
    key: str
    queued_at: datetime
    recipient: str
    language: str
    subject_id: int
    subscriber_id: int | None
    attempts: int
    contact_id: int | None = None  # a customer's contact, for messages to customers


class Outcome(enum.Enum):
    RETRY = "retry"  # this message again later, after a wait that doubles with each attempt
    HOLD = "hold"  # the channel cannot deliver now: its other messages in the batch wait too
    FAIL = "fail"  # refused for good: never again


@dataclass(frozen=True)
class Failure:
    """What a delivery error means, and the answer kept with the message (`last_error`)."""

    outcome: Outcome
    answer: str


class Sender(Protocol):
    """A channel at work for one worker round: what it renders and the connections it opens are
    kept for the whole round and closed when the round ends."""

    def compose(self, message: Outgoing) -> Any:
        """The message ready to deliver. It may read the database; an error fails the message
        alone."""

    def deliver(self, composed: Any) -> str | None:
        """Deliver a composed message; return what identifies it at the other end (kept as
        `message_id`: an email's Message-ID), or raise an error `Channel.classify` knows."""


class Channel(Protocol):
    name: str  # stored in each of its outbox rows: at most 20 characters

    def recipients(
        self, notice: ChangeNotice, kind: MessageKind
    ) -> sa.Select | sa.CompoundSelect | None:
        """Who hears of `notice` on this channel: a SELECT (or a UNION) of the labelled columns
        `reference`, `recipient`, `language` and `subscriber_id` (or NULL). A reference tells
        the recipient apart among every channel's (email's is the subscriber's id, so another
        channel starts its own with its name): the message's key is the kind, the notice and
        the reference. None: the channel does not carry `kind`."""

    def customer_recipients(
        self, kind: MessageKind, events: sa.Subquery
    ) -> sa.Select | sa.CompoundSelect | None:
        """Who hears of a customer's events of `kind` on this channel (`outbox.tell_customers`):
        a SELECT over `events` (columns `key`, `customer_id`, `subject_id`) of the labelled
        columns `key` (the event's key extended with the recipient's reference, which starts
        with the channel's name unless it is email's), `recipient`, `language`, `subject_id`
        and, for a customer's contact, `contact_id`. None: the channel does not carry `kind`.
        A channel without this method hears of no customer's events."""

    def sender(self) -> AbstractContextManager[Sender]:
        """A sender for one round, closed when the context ends."""

    # Optional: `connections()`, how many senders the worker delivers through side by side
    # (each in a thread of its own that only calls `deliver`); one without it.

    def classify(self, error: Exception) -> Failure | None:
        """What an error raised by `Sender.deliver` means; None for one the channel does not
        know (the worker logs it and fails the message)."""


def register_channel(app: Flask, channel: Channel) -> None:
    """Deliver the outbox rows named `channel.name` through `channel`; notices fan out to it."""
    if len(channel.name) > 20:
        raise ValueError(f"a channel's name has at most 20 characters: {channel.name!r}")
    app.extensions.setdefault(EXTENSION, {})[channel.name] = channel


def registered() -> dict[str, Channel]:
    """The application's channels by name, in the order they were registered."""
    return current_app.extensions.get(EXTENSION, {})
