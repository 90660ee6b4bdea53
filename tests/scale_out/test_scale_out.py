"""Scaled out (issue #18): two gunicorn servers of two workers each and two outbox workers on one
PostgreSQL schema, with Redis for the cached answers and the rate limits, under a mixed load of
reads and writes through the forms (`load.py`). Run once for the module; each test reads what
it left: no 5xx and no dropped connection, every email the outbox sent delivered exactly once,
no answer older than a change whose answer was read, and the rate limits counted in one place.

It needs PostgreSQL (DATABASE_URL) and Redis at 127.0.0.1:6379, and skips otherwise, so that the
SQLite suite (`make test`) does not pay for it.
"""

import json
import os
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from registry.database import database_url
from registry.models.outbox import DeliveryState, MessageKind, OutboxMessage
from tests.mailbox import text_of
from tests.scale_out import load as mixed_load
from tests.scale_out.browsing import Browser, Record, wait_for
from tests.scale_out.cluster import Cluster, redis_answers, redis_keys

pytestmark = pytest.mark.processes

READING_SECONDS = 10
DRAIN_SECONDS = 30


def _reason_to_skip() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url or sa.make_url(database_url(url)).get_backend_name() != "postgresql":
        return "the scale-out test runs on PostgreSQL only: set DATABASE_URL=postgresql://…"
    if not redis_answers():
        return "the scale-out test needs Redis at 127.0.0.1:6379, which does not answer"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = _reason_to_skip()
    if reason:
        pytest.skip(reason)
    cluster = Cluster(tmp_path_factory.mktemp("scale-out"))
    try:
        cluster.start(os.environ["DATABASE_URL"])
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def ran(cluster):
    """The load, run once, and the outbox as it stands once nothing is left queued."""
    load = mixed_load.run(cluster, READING_SECONDS)
    engine = cluster.engine()
    try:
        began = time.monotonic()
        wait_for(lambda: not _queued(engine), DRAIN_SECONDS, "the outbox emptied")
        cluster.timings["drain"] = time.monotonic() - began
        with engine.connect() as connection:
            outbox = connection.execute(sa.select(OutboxMessage.__table__)).all()
    finally:
        engine.dispose()
    print(_summary(load, outbox, cluster))
    return load, outbox


def _queued(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.state == DeliveryState.QUEUED)
        )


def _summary(load: mixed_load.Load, outbox: list, cluster: Cluster) -> str:
    return (
        f"\nscale-out: {len(load.record.answers)} requests in {load.seconds:.1f} s "
        f"{dict(sorted(load.record.statuses().items()))}; "
        f"{len(load.announcements)} announcements, {len(load.corrections)} corrections, "
        f"{len(load.subscriptions)} subscriptions, {len(load.objections)} objections; "
        f"{load.freshness_checks} freshness checks by the admin, "
        f"{mixed_load.reads_after_writes(load)[0]} by the readers; {len(outbox)} outbox messages, "
        f"{len(cluster.smtp.sink.messages)} emails at the sink; seconds to "
        + ", ".join(f"{step} {seconds:.1f}" for step, seconds in cluster.timings.items())
    )


def _message_id(value: str | None) -> str:
    return (value or "").strip().strip("<>")


def test_the_load_ran_to_its_end_in_every_thread(ran):
    load, _outbox = ran
    assert load.crashed == []


def test_no_answer_was_a_server_error_or_a_dropped_connection(ran):
    load, _outbox = ran
    failed = [
        (answer.server, answer.method, answer.path, answer.status, answer.error)
        for answer in load.record.answers
        if answer.status == 0 or answer.status >= 500
    ]
    assert failed == []


def test_no_server_or_worker_logged_a_traceback(ran, cluster):
    logged = {name: cluster.log(name) for name, _process in cluster.processes}
    assert [name for name, text in logged.items() if "Traceback" in text] == []


def test_the_readers_were_answered_from_both_servers_with_304_among_their_answers(ran, cluster):
    load, _outbox = ran
    servers = Counter(answer.server for answer in load.record.answers)
    statuses = load.record.statuses()
    assert set(servers) == set(cluster.servers)
    assert statuses.get(304, 0) > 0


def test_every_write_through_the_forms_was_accepted(ran):
    load, _outbox = ran
    assert [write.status for write in load.announcements] == [302] * mixed_load.ANNOUNCEMENTS
    assert [write.status for write in load.corrections] == [302] * mixed_load.CORRECTIONS
    assert [sub.status for sub in load.subscriptions] == [200] * mixed_load.SUBSCRIBERS
    assert [status for _how, status in load.objections] == [302] * len(load.objections)


def test_right_after_each_write_both_servers_answer_with_the_change(ran):
    load, _outbox = ran
    assert load.freshness_checks > 0
    assert load.stale == []


def test_no_reader_was_answered_without_a_change_whose_answer_was_read_before_it_asked(ran):
    load, _outbox = ran
    checked, stale = mixed_load.reads_after_writes(load)
    assert checked > 0
    assert stale == []


def test_no_message_is_left_queued_or_failed(ran):
    _load, outbox = ran
    states = Counter(row.state for row in outbox)
    assert set(states) == {DeliveryState.SENT}


def test_every_email_the_outbox_sent_arrived_at_the_sink_exactly_once(ran, cluster):
    _load, outbox = ran
    sent = Counter(_message_id(row.message_id) for row in outbox if row.channel == "email")
    arrived = Counter(_message_id(message["Message-ID"]) for message in cluster.smtp.sink.messages)
    assert arrived == sent
    assert set(arrived.values()) == {1}


def test_each_recipient_got_one_message_per_notice_and_kind(ran, cluster):
    _load, outbox = ran
    by_id = {_message_id(row.message_id): row for row in outbox}
    received = Counter()
    for message in cluster.smtp.sink.messages:
        row = by_id[_message_id(message["Message-ID"])]
        received[(str(message["To"]), row.kind, row.subject_id)] += 1
    assert received
    assert {key: count for key, count in received.items() if count != 1} == {}


def test_subscribers_confirmed_before_an_announcement_got_its_email_once(ran, cluster):
    load, _outbox = ran
    counts = _notice_emails(cluster)
    expected = {
        (subscription.email, write.notice_id): 1
        for write in load.announcements
        for subscription in load.subscriptions
        if subscription.confirmed_at < write.sent_at
    }
    assert len(expected) >= mixed_load.EARLY_SUBSCRIBERS * mixed_load.ANNOUNCEMENTS
    assert {key: counts.get(key, 0) for key in expected} == expected


def test_subscribers_confirmed_after_an_announcement_got_no_email_of_it(ran, cluster):
    load, _outbox = ran
    counts = _notice_emails(cluster)
    late = [
        (subscription.email, write.notice_id)
        for write in load.announcements
        for subscription in load.subscriptions
        if subscription.confirm_sent_at > write.answered_at
    ]
    assert {key: counts[key] for key in late if counts.get(key)} == {}


def _notice_emails(cluster: Cluster) -> Counter:
    """(recipient, notice id) of each notice email at the sink, read from its objection link."""
    counts: Counter = Counter()
    for message in cluster.smtp.sink.messages:
        text = text_of(message)
        if "/object?subscriber=" in text:
            notice = text.split("/object?subscriber=")[0].rsplit("/changes/", 1)[1]
            counts[(str(message["To"]), int(notice))] += 1
    return counts


def test_the_outbox_sent_notices_objection_and_subscription_emails(ran):
    _load, outbox = ran
    kinds = {row.kind for row in outbox}
    assert {
        MessageKind.NOTICE_ANNOUNCED,
        MessageKind.CUSTOMER_NOTICE_ANNOUNCED,
        MessageKind.SUBSCRIPTION_CONFIRMATION,
        MessageKind.OBJECTION_CONFIRMATION,
        MessageKind.OBJECTION_ACKNOWLEDGEMENT,
    } <= kinds


def test_the_public_answers_are_kept_in_redis_under_the_clusters_prefix(ran, cluster):
    keys = redis_keys(cluster.redis_prefix + "answer:")
    assert keys


def test_a_rate_limit_counted_on_one_server_is_counted_on_the_other(ran, cluster):
    remaining = _remaining_in_one_window(cluster)
    assert remaining == list(range(remaining[0], remaining[0] - 4, -1))


def _remaining_in_one_window(cluster: Cluster) -> list[int]:
    """What the verdicts' limit (60 a minute) has left after each of four requests, to each
    server in turn, all within one of its fixed windows (asked again if one closed between)."""
    browser = Browser(Record())
    body = json.dumps({"transfers": []}).encode()
    for _attempt in range(3):
        answers = [
            browser.post(server, "/api/v1/verdicts", {}, body).headers
            for server in [*cluster.servers, *cluster.servers]
        ]
        if len({headers["X-RateLimit-Reset"] for headers in answers}) == 1:
            return [int(headers["X-RateLimit-Remaining"]) for headers in answers]
    raise AssertionError("the limit's window closed during each of three attempts")


def test_the_rate_limits_are_counted_in_redis_under_the_clusters_prefix(ran, cluster):
    assert redis_keys(cluster.redis_prefix + "limits")
