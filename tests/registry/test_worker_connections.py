"""Delivery over several SMTP connections at once (MAIL_SMTP_CONNECTIONS), to a real SMTP server
on loopback: each message still arrives exactly once, in its recipient's language with the
recipient's own links, whatever the server answers, and workers side by side still never send
one message twice."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from registry import clock as registry_clock
from registry.extensions import db
from registry.models import ChangeKind, Subprocessor, Subscriber, SubscriptionState
from registry.notices import changes
from tests.registry.test_worker import (  # noqa: F401 (fixtures)
    queued,
    recipients_of_workers_side_by_side,
    smtp,
    states,
    work,
)

CONNECTIONS = 3
LANGUAGES = ("en", "de", "fr")


@pytest.fixture(autouse=True)
def connections(app):
    app.config["MAIL_SMTP_CONNECTIONS"] = CONNECTIONS


@pytest.fixture
def announced(app, make_subprocessor):
    """Nine confirmed subscribers, three in each language, and a notice announced to them;
    each subscriber's address and language."""
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        now = registry_clock.now()
        wanted = {f"s{number}@customer.example": LANGUAGES[number % 3] for number in range(9)}
        db.session.execute(
            sa.insert(Subscriber),
            [
                dict(
                    email=address,
                    language=language,
                    state=SubscriptionState.CONFIRMED,
                    subscribed_at=now,
                    confirmed_at=now,
                    confirmation_requests=1,
                )
                for address, language in wanted.items()
            ],
        )
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
    return wanted


def notices(smtp_server) -> dict:
    return {
        str(message["To"]): message
        for message in smtp_server.sink.messages
        if "Nimbus Cloud" in str(message["Subject"])
    }


def test_each_message_arrives_once_over_several_connections(smtp, queued, runner):  # noqa: F811
    smtp.start()
    work(runner)
    work(runner)
    assert smtp.sink.recipients() == sorted(queued)


def test_the_messages_are_shared_among_the_connections(
    smtp,  # noqa: F811
    queued,  # noqa: F811
    runner,
    monkeypatch,
):
    import smtplib

    opened = []
    original = smtplib.SMTP.connect

    def counting_connect(self, *args, **kwargs):
        opened.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting_connect)
    smtp.start()
    work(runner)
    assert len(opened) == CONNECTIONS


def test_each_subscriber_gets_one_notice_in_their_language(smtp, announced, runner):  # noqa: F811
    smtp.start()
    work(runner)
    received = notices(smtp)
    assert len(smtp.sink.messages) == len(set(smtp.sink.recipients()))
    assert {to: str(message["Content-Language"]) for to, message in received.items()} == announced


def test_each_unsubscribe_link_unsubscribes_its_own_subscriber(
    app,
    client,
    smtp,  # noqa: F811
    announced,
    runner,
):
    smtp.start()
    work(runner)
    link = str(notices(smtp)["s4@customer.example"]["List-Unsubscribe"]).strip("<>")
    address = urlsplit(link)
    client.post(f"{address.path}?{address.query}", data={"List-Unsubscribe": "One-Click"})
    with app.app_context():
        unsubscribed = db.session.scalars(
            sa.select(Subscriber.email).where(Subscriber.state == SubscriptionState.UNSUBSCRIBED)
        ).all()
    assert unsubscribed == ["s4@customer.example"]


def test_a_550_fails_that_message_only_over_several_connections(
    app,
    smtp,  # noqa: F811
    queued,  # noqa: F811
    runner,
):
    smtp.sink.refused = {"contact2@example.com"}
    smtp.start()
    work(runner)
    assert smtp.sink.recipients() == sorted(set(queued) - {"contact2@example.com"})
    assert states(app)["contact2@example.com"] == "failed"


def test_connections_closed_by_421s_mid_batch_deliver_the_rest_once_later(
    app,
    smtp,  # noqa: F811
    queued,  # noqa: F811
    runner,
    clock,
):
    smtp.sink.temporary_failures = 2  # two connections closed, each in the middle of a message
    smtp.start()
    work(runner)
    accepted_at_first = len(smtp.sink.messages)
    for _round in range(3):
        clock.move(hours=1)
        work(runner)
    assert accepted_at_first < len(queued)
    assert smtp.sink.recipients() == sorted(queued)


def test_workers_side_by_side_over_several_connections_send_no_message_twice(
    app,
    smtp,  # noqa: F811
    clock,
    make_subprocessor,
):
    recipients = recipients_of_workers_side_by_side(
        app, smtp, make_subprocessor, messages=60, workers=3, batch_size=4
    )
    assert len(recipients) == len(set(recipients)) == 60
