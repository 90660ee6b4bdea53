"""Delivery through the outbox to a real SMTP server on loopback: each message arrives exactly
once, whatever the server answers at first; a 5xx fails only the message it refuses. Every test
runs against a server that advertises PIPELINING and one that does not."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry import objections
from registry.extensions import db
from registry.models import ChangeKind, DeliveryState, MessageKind, OutboxMessage, Subprocessor
from registry.notices import changes
from tests.smtp import SmtpServer, free_port

SUBSCRIBERS = 5


@pytest.fixture(params=[False, True], ids=["one-command-at-a-time", "pipelining"])
def smtp(app, request):
    server = SmtpServer(free_port(), pipelining=request.param)
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=server.port, MAIL_SMTP_SECURITY="none"
    )
    yield server
    server.stop()


@pytest.fixture
def queued(app, clock, make_subprocessor):
    """SUBSCRIBERS objections to one notice, each with its confirmation email queued."""
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        for number in range(SUBSCRIBERS):
            values = objections.ObjectionValues(
                "Customer", f"C-{number}", "Contact", f"contact{number}@example.com", "Grounds"
            )
            objections.submit(notice, values, "en")
        db.session.commit()
    return [f"contact{number}@example.com" for number in range(SUBSCRIBERS)]


def work(runner) -> str:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def states(app) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.state)).all()
    return {recipient: state.value for recipient, state in rows}


def test_every_queued_message_arrives_once(smtp, queued, runner):
    smtp.start()
    work(runner)
    work(runner)
    assert smtp.sink.recipients() == sorted(queued)


def test_the_worker_reports_what_it_sent(smtp, queued, runner):
    smtp.start()
    assert "5 email(s) sent" in work(runner)


def test_messages_answered_421_are_delivered_once_after_the_wait(app, smtp, queued, runner, clock):
    smtp.sink.temporary_failures = 3  # a 421 closes the connection: the batch waits
    smtp.start()
    for _round in range(5):
        work(runner)
        clock.move(hours=1)
    assert smtp.sink.recipients() == sorted(queued)


def test_a_421_is_not_tried_again_before_the_wait_is_over(app, smtp, queued, runner, clock):
    smtp.sink.temporary_failures = 1
    smtp.start()
    work(runner)
    work(runner)
    assert len(smtp.sink.messages) == 0


def test_messages_wait_while_the_server_is_down_and_arrive_once_it_is_up(
    app, smtp, queued, runner, clock
):
    work(runner)  # nobody listens on the port yet
    smtp.start()
    clock.move(minutes=1)
    work(runner)
    assert smtp.sink.recipients() == sorted(queued)


def test_the_wait_doubles_after_each_failed_attempt(app, smtp, queued, runner, clock):
    work(runner)  # attempt 1 fails: wait 1 minute
    clock.move(minutes=1)
    work(runner)  # attempt 2 fails: wait 2 minutes
    smtp.start()
    clock.move(minutes=1, seconds=59)
    work(runner)
    nothing_yet = len(smtp.sink.messages)
    clock.move(seconds=1)
    work(runner)
    assert (nothing_yet, len(smtp.sink.messages)) == (0, SUBSCRIBERS)


def test_a_550_fails_that_message_only_and_the_rest_arrive(app, smtp, queued, runner):
    smtp.sink.refused = {"contact2@example.com"}
    smtp.start()
    work(runner)
    assert smtp.sink.recipients() == sorted(set(queued) - {"contact2@example.com"})
    assert states(app)["contact2@example.com"] == "failed"


def test_a_refused_sender_makes_the_batch_wait_and_counts_an_attempt_only_once(
    app, smtp, queued, runner, clock
):
    smtp.sink.senders_refused = 1  # a 451 to MAIL FROM: our own address, so the whole batch
    smtp.start()
    work(runner)
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.attempts, OutboxMessage.last_error).order_by(OutboxMessage.id)
        ).all()
    clock.move(minutes=1)
    work(runner)
    assert [attempts for attempts, _error in rows] == [1, 0, 0, 0, 0]
    assert rows[0].last_error.startswith("451 4.3.0 Sender temporarily refused")
    assert smtp.sink.recipients() == sorted(queued)


def test_the_envelope_is_pipelined_only_when_the_server_advertises_it(
    app, smtp, queued, runner, monkeypatch
):
    import smtplib

    one_command_at_a_time = []
    original = smtplib.SMTP.sendmail

    def spying_sendmail(self, *args, **kwargs):
        one_command_at_a_time.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", spying_sendmail)
    smtp.start()
    work(runner)
    assert smtp.sink.recipients() == sorted(queued)
    assert len(one_command_at_a_time) == (0 if smtp.sink.pipelining else SUBSCRIBERS)


def test_a_failed_message_keeps_the_servers_answer(app, smtp, queued, runner):
    smtp.sink.refused = {"contact2@example.com"}
    smtp.start()
    work(runner)
    with app.app_context():
        answer = db.session.scalar(
            sa.select(OutboxMessage.last_error).where(
                OutboxMessage.recipient == "contact2@example.com"
            )
        )
    assert answer.startswith("550 5.1.1 No such mailbox here")


def test_a_failed_message_is_not_sent_again(app, smtp, queued, runner, clock):
    smtp.sink.refused = {"contact2@example.com"}
    smtp.start()
    work(runner)
    smtp.sink.refused = set()
    clock.move(days=1)
    work(runner)
    assert "contact2@example.com" not in smtp.sink.recipients()


def test_a_message_is_given_up_after_the_last_attempt(app, smtp, queued, runner, clock):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    smtp.sink.busy = {"contact2@example.com"}
    smtp.start()
    for _attempt in range(3):
        work(runner)
        clock.move(hours=6)
    with app.app_context():
        answer = db.session.scalar(
            sa.select(OutboxMessage.last_error).where(
                OutboxMessage.recipient == "contact2@example.com"
            )
        )
    assert states(app)["contact2@example.com"] == "failed"
    assert answer.startswith("gave up after 3 attempts: 450")


def test_a_server_that_is_down_counts_an_attempt_only_against_the_message_tried(
    app, smtp, queued, runner
):
    work(runner)  # nobody listens
    with app.app_context():
        attempts = db.session.scalars(sa.select(OutboxMessage.attempts).order_by(OutboxMessage.id))
        assert list(attempts) == [1, 0, 0, 0, 0]


def test_an_address_smtplib_cannot_send_to_fails_alone(
    app, smtp, queued, runner, make_subprocessor
):
    from registry import outbox

    with app.app_context():
        outbox.enqueue(MessageKind.OBJECTION_CONFIRMATION, "odd", "jörg@exämple.de", "en", 1)
        db.session.commit()
    smtp.start()
    work(runner)
    assert states(app)["jörg@exämple.de"] == "failed"
    assert len(smtp.sink.messages) == SUBSCRIBERS


def test_a_message_whose_lease_ran_out_is_claimed_again(app, smtp, queued, runner, clock):
    # A worker that claimed the batch and was killed before sending leaves it leased.
    with app.app_context():
        db.session.execute(
            sa.update(OutboxMessage).values(
                lease_token="a" * 32, leased_until=clock() + timedelta(minutes=5)
            )
        )
        db.session.commit()
    smtp.start()
    work(runner)
    leased_meanwhile = len(smtp.sink.messages)
    clock.move(minutes=5)
    work(runner)
    assert (leased_meanwhile, len(smtp.sink.messages)) == (0, SUBSCRIBERS)


class WorkerDied(BaseException):
    """The worker's process ending mid-batch: nothing after the message in flight runs."""


def die_mid_batch(app, runner) -> None:
    """A round whose worker claims the batch, sends its first message and dies."""
    from registry.outbox.channels.email import transports

    def dying_transport():
        transport = real_transport()
        deliver, sent = transport.send, []

        def send(envelope):
            if sent:
                raise WorkerDied()
            deliver(envelope)
            sent.append(envelope)

        transport.send = send
        return transport

    real_transport = transports.transport_from_config
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(transports, "transport_from_config", dying_transport)
        with pytest.raises(WorkerDied):
            runner.invoke(args=["worker", "--once"], catch_exceptions=False)


def test_a_batch_left_by_a_worker_that_died_waits_while_its_lease_runs(
    app, smtp, queued, runner, clock
):
    smtp.start()
    die_mid_batch(app, runner)
    clock.move(seconds=59)
    work(runner)
    assert len(smtp.sink.messages) == 1


def test_a_batch_left_by_a_worker_that_died_is_sent_by_another_a_minute_later_once(
    app, smtp, queued, runner, clock
):
    smtp.start()
    die_mid_batch(app, runner)
    clock.move(seconds=60)
    work(runner)
    assert smtp.sink.recipients() == sorted(queued)


def test_the_lease_of_a_dead_worker_s_batch_is_outbox_lease_seconds(
    app, smtp, queued, runner, clock
):
    app.config["OUTBOX_LEASE_SECONDS"] = 120
    smtp.start()
    die_mid_batch(app, runner)
    clock.move(seconds=60)
    work(runner)
    waited_a_minute = len(smtp.sink.messages)
    clock.move(seconds=60)
    work(runner)
    assert (waited_a_minute, len(smtp.sink.messages)) == (1, SUBSCRIBERS)


def test_one_connection_carries_the_whole_batch(app, smtp, queued, runner, monkeypatch):
    import smtplib

    connections = []
    original = smtplib.SMTP.connect

    def counting_connect(self, *args, **kwargs):
        connections.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting_connect)
    smtp.start()
    work(runner)
    assert len(connections) == 1


def test_sent_messages_are_recorded_as_sent(app, smtp, queued, runner):
    smtp.start()
    work(runner)
    assert set(states(app).values()) == {DeliveryState.SENT.value}


def test_workers_side_by_side_send_no_message_twice(app, smtp, clock, make_subprocessor):
    """On PostgreSQL the claims meet (FOR UPDATE SKIP LOCKED keeps them apart: without it this
    test fails); on SQLite one writer at a time claims."""
    recipients = recipients_of_workers_side_by_side(
        app, smtp, make_subprocessor, messages=120, workers=4, batch_size=3
    )
    assert len(recipients) == len(set(recipients)) == 120


def recipients_of_workers_side_by_side(
    app, smtp, make_subprocessor, messages: int, workers: int, batch_size: int
) -> list[str]:
    """`messages` objection emails delivered by `workers` rounds started at once, in threads,
    with small batches so that their claims meet: the recipients the server accepted."""
    import threading

    from registry.outbox import worker

    proposed = make_subprocessor(name="Busy Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        for number in range(messages):
            values = objections.ObjectionValues(
                "C", f"R-{number}", "N", f"n{number}@example.com", "G"
            )
            objections.submit(notice, values, "en")
        db.session.commit()
    app.config["OUTBOX_BATCH_SIZE"] = batch_size
    smtp.start()
    start = threading.Barrier(workers)
    errors = []

    def run_worker():
        try:
            with app.app_context():
                start.wait()
                worker.work_round()
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=run_worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and not any(thread.is_alive() for thread in threads)
    return smtp.sink.recipients()


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    app, smtp, queued, runner, clock, migrated_database, tmp_path
):
    import os
    import signal
    import subprocess
    import sys
    from datetime import UTC, datetime

    smtp.sink.hold = "contact2@example.com"  # the worker is killed while the server holds it
    smtp.start()
    environment = {
        **os.environ,
        "DATABASE_URL": migrated_database,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "killed"),
        "MAIL_SMTP_HOST": "127.0.0.1",
        "MAIL_SMTP_PORT": str(smtp.port),
        "MAIL_SMTP_SECURITY": "none",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp.sink.stuck.wait(timeout=60), "the worker never reached the held message"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        smtp.sink.hold = None
        smtp.sink.release.set()
    delivered_before_the_kill = smtp.sink.recipients()
    # Another worker, once the killed one's lease has run out, takes what it left.
    clock.instant = datetime.now(UTC) + timedelta(minutes=10)
    work(runner)
    assert delivered_before_the_kill == ["contact0@example.com", "contact1@example.com"]
    assert smtp.sink.recipients() == sorted(queued)


@pytest.mark.parametrize(
    ("endpoint", "purpose", "signed", "token_argument", "values"),
    [
        ("public.unsubscribe", "UNSUBSCRIBE", 7, "token", {"lang": "de"}),
        (
            "public.object_to_change",
            "SUBSCRIBER_OBJECTION",
            [7, 3],
            "subscriber",
            {"notice_id": 3, "lang": "fr"},
        ),
        ("public.confirm_objection", "CONFIRM_OBJECTION", 12, "token", {"lang": "en"}),
    ],
)
def test_a_link_built_once_per_round_reads_as_one_built_for_its_recipient(
    app, clock, endpoint, purpose, signed, token_argument, values
):
    from registry import tokens
    from registry.links import public_url
    from registry.outbox.channels.email.composer import Links

    with app.app_context():
        links = Links()
        purpose = tokens.Purpose[purpose]
        token = tokens.sign(purpose, signed)
        direct = public_url(endpoint, **{token_argument: token}, **values)
        assert links.url(endpoint, purpose, signed, token_argument, **values) == direct
        assert links.url(endpoint, purpose, signed, token_argument, **values) == direct
