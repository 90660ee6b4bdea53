"""The outbox delivers through channels: a channel registered with the application carries its
own messages and hears of every notice beside email. The channel here records what it is given
and refuses each message's first attempts; everything else is the real service, the real worker
and its command."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pytest
import sqlalchemy as sa

from registry import outbox
from registry.clock import now
from registry.extensions import db
from registry.models import (
    NOTICE_KINDS,
    ChangeKind,
    DeliveryState,
    MessageKind,
    OutboxMessage,
    Subprocessor,
)
from registry.notices import changes
from registry.outbox.channels import Failure, Outcome, register_channel
from tests.mailbox import delivered
from tests.registry.test_subscriptions import notice_emails, subscribe, subscribed

HOOKS = ("https://hooks.customer.example/a", "https://hooks.other.example/b")


class Busy(Exception):
    """The far end of the test channel asks to be tried again later."""


class Down(Exception):
    """The far end of the test channel cannot be reached at all."""


class Refused(Exception):
    """The far end of the test channel refuses a message for good."""


@dataclass(frozen=True)
class Composed:
    recipient: str
    key: str
    kind: MessageKind


class RecordingChannel:
    """Hears of notices at HOOKS; fails the first `failures` attempts of each message (Busy)."""

    name = "test"

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.down = False
        self.refused: set[str] = set()
        self.attempts: list[tuple[str, datetime]] = []
        self.delivered: list[tuple[str, str]] = []
        self.rounds = 0

    def recipients(self, notice, kind: MessageKind) -> sa.CompoundSelect | None:
        if kind not in NOTICE_KINDS:
            return None
        return sa.union_all(
            *(
                sa.select(
                    sa.literal(f"test:{number}").label("reference"),
                    sa.literal(hook).label("recipient"),
                    sa.literal("en").label("language"),
                    sa.cast(sa.null(), sa.Integer).label("subscriber_id"),
                )
                for number, hook in enumerate(HOOKS)
            )
        )

    @contextmanager
    def sender(self):
        self.rounds += 1
        yield self

    def compose(self, message) -> Composed:
        return Composed(message.recipient, message.key, message.kind)

    def deliver(self, composed: Composed) -> str:
        self.attempts.append((composed.key, now()))
        if self.down:
            raise Down("unreachable")
        if composed.recipient in self.refused:
            raise Refused(f"410 gone: {composed.recipient}")
        if sum(key == composed.key for key, _at in self.attempts) <= self.failures:
            raise Busy("429 too many requests")
        self.delivered.append((composed.recipient, composed.key))
        return f"<test:{composed.key}>"

    def classify(self, error: Exception) -> Failure | None:
        outcomes = {Busy: Outcome.RETRY, Down: Outcome.HOLD, Refused: Outcome.FAIL}
        outcome = outcomes.get(type(error))
        return None if outcome is None else Failure(outcome, str(error))


@pytest.fixture
def channel(app):
    recording = RecordingChannel()
    register_channel(app, recording)
    return recording


def work(runner) -> str:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def queue(app, key: str, recipient: str = HOOKS[0], channel: str = "test") -> bool:
    with app.app_context():
        queued = outbox.enqueue(
            MessageKind.NOTICE_ANNOUNCED, key, recipient, "en", 1, channel=channel
        )
        db.session.commit()
    return queued


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        return db.session.scalars(query).all()


def test_a_message_queued_twice_under_one_key_is_delivered_once_through_its_channel(
    app, runner, clock, channel
):
    queued = [queue(app, "hook:1"), queue(app, "hook:1")]
    for _round in range(4):
        work(runner)
        clock.move(minutes=5)
    assert queued == [True, False]
    assert channel.delivered == [(HOOKS[0], "hook:1")]
    [row] = rows(app)
    assert (row.channel, row.state, row.attempts, row.message_id, row.last_error) == (
        "test",
        DeliveryState.SENT,
        2,
        "<test:hook:1>",
        "429 too many requests",
    )


def test_a_failed_attempt_is_tried_again_after_a_wait_that_doubles(app, runner, clock, channel):
    channel.failures = 2
    queue(app, "hook:1")
    start = clock()
    work(runner)  # attempt 1 fails: wait 1 minute
    clock.move(seconds=59)
    work(runner)
    clock.move(seconds=1)
    work(runner)  # attempt 2 fails: wait 2 minutes
    clock.move(minutes=1, seconds=59)
    work(runner)
    waited = list(channel.delivered)
    clock.move(seconds=1)
    work(runner)
    minutes = [(at - start).total_seconds() / 60 for _key, at in channel.attempts]
    assert (minutes, waited, channel.delivered) == ([0, 1, 3], [], [(HOOKS[0], "hook:1")])


def test_a_notice_fans_out_to_the_channel_s_recipients_and_to_email_subscribers(
    app, client, runner, clock, channel, make_subprocessor
):
    for address in ("dpo@customer.example", "legal@other.example"):
        subscribed(client, runner, app, email=address)
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
        notice_id = notice.id
    work(runner)  # the emails go; the channel's first attempts fail
    clock.move(minutes=1)
    work(runner)
    keys = [f"notice_announced:{notice_id}:test:{number}" for number in range(len(HOOKS))]
    assert sorted(message["To"] for message in notice_emails(app)) == [
        "dpo@customer.example",
        "legal@other.example",
    ]
    assert sorted(channel.delivered) == list(zip(HOOKS, keys, strict=True))


def test_a_fan_out_counts_what_every_channel_queued_and_queues_nothing_twice(
    app, client, runner, clock, channel, make_subprocessor
):
    subscribed(client, runner, app, email="dpo@customer.example")
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        counts = [outbox.fan_out(notice, MessageKind.NOTICE_WITHDRAWN) for _twice in range(2)]
        db.session.commit()
    assert counts == [1 + len(HOOKS), 0]


def test_a_round_opens_each_channel_once_for_all_its_messages(app, runner, clock, channel):
    channel.failures = 0
    for number in range(5):
        queue(app, f"hook:{number}")
    app.config["OUTBOX_BATCH_SIZE"] = 2
    output = work(runner)
    assert (channel.rounds, len(channel.delivered)) == (1, 5)
    said = "0 email(s) sent, 0 webhook(s) sent, 5 test(s) sent, 0 to be retried, 0 failed."
    assert said in output


def test_a_channel_that_is_down_holds_its_own_messages_not_the_emails(
    app, client, runner, clock, channel
):
    for number in range(3):
        queue(app, f"hook:{number}")
    subscribe(client, "dpo@customer.example")
    channel.down = True
    work(runner)
    attempts = {row.key: row.attempts for row in rows(app) if row.channel == "test"}
    assert attempts == {"hook:0": 1, "hook:1": 0, "hook:2": 0}
    assert [message["To"] for message in delivered(app)] == ["dpo@customer.example"]
    channel.down, channel.failures = False, 0
    clock.move(minutes=1)
    work(runner)
    assert sorted(key for _hook, key in channel.delivered) == ["hook:0", "hook:1", "hook:2"]


def test_a_message_the_channel_refuses_fails_with_its_answer_and_the_rest_go(
    app, runner, clock, channel
):
    channel.failures = 0
    channel.refused = {HOOKS[1]}
    queue(app, "hook:0", HOOKS[0])
    queue(app, "hook:1", HOOKS[1])
    work(runner)
    clock.move(days=1)
    work(runner)
    states = {row.key: (row.state, row.last_error) for row in rows(app)}
    assert states == {
        "hook:0": (DeliveryState.SENT, None),
        "hook:1": (DeliveryState.FAILED, f"410 gone: {HOOKS[1]}"),
    }
    assert channel.delivered == [(HOOKS[0], "hook:0")]


def test_messages_of_a_channel_the_application_does_not_have_wait_until_it_has(app, runner, clock):
    queue(app, "hook:1")
    work(runner)
    [waiting] = rows(app)
    channel = RecordingChannel(failures=0)
    register_channel(app, channel)
    work(runner)
    assert (waiting.state, waiting.attempts, waiting.lease_token) == (DeliveryState.QUEUED, 0, None)
    assert channel.delivered == [(HOOKS[0], "hook:1")]
