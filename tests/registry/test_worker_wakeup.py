"""The worker's wait between rounds: a queued message wakes it at once on PostgreSQL; SQLite is
polled every second."""

import threading
import time

import pytest
import sqlalchemy as sa

from registry import subscriptions
from registry.extensions import db
from registry.outbox.wakeup import Wakeup


@pytest.fixture
def wakeup(app_context):
    waiting = Wakeup(db.engine)
    yield waiting
    waiting.close()


@pytest.fixture
def on_postgresql(app_context):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("notifications are PostgreSQL's")


def timed_wait(wakeup: Wakeup, seconds: float, stop: threading.Event | None = None) -> float:
    started = time.monotonic()
    wakeup.wait(stop or threading.Event(), seconds)
    return time.monotonic() - started


def queue_a_message() -> None:
    subscriptions.subscribe("reader@customer.example", "en", [])


def test_a_message_queued_and_committed_wakes_the_waiting_worker_at_once(on_postgresql, wakeup):
    timed_wait(wakeup, 0.01)  # listening from here on
    queue_a_message()
    db.session.commit()
    assert timed_wait(wakeup, 30) < 5


def test_a_message_queued_then_rolled_back_wakes_nobody(on_postgresql, wakeup):
    timed_wait(wakeup, 0.01)
    queue_a_message()
    db.session.rollback()
    assert timed_wait(wakeup, 0.5) >= 0.5


def test_a_message_queued_by_another_installation_in_the_database_wakes_nobody(
    on_postgresql, wakeup
):
    timed_wait(wakeup, 0.01)
    # What the trigger sends for a message queued in a schema of another installation.
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_notify('registry_outbox', 'another_installation')"))
        connection.commit()
    assert timed_wait(wakeup, 0.5) >= 0.5


def test_on_sqlite_the_worker_looks_again_after_a_second(app_context, wakeup):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite is polled")
    assert 0.9 <= timed_wait(wakeup, 30) < 3


def test_a_stopped_worker_does_not_wait(wakeup):
    stop = threading.Event()
    stop.set()
    assert timed_wait(wakeup, 30, stop) < 1
