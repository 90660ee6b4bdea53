"""How the worker waits between rounds. On PostgreSQL it LISTENs on `registry_outbox`, which a
trigger on outbox_message notifies as a transaction that queued messages commits: a notice's
emails start going out at once, not at the next poll. It still looks every `seconds` (retries
fall due, changes take effect without a notification). SQLite has no notifications: the worker
looks every second there.
"""

import logging
import threading
import time

import psycopg
import sqlalchemy as sa

CHANNEL = "registry_outbox"
SQLITE_POLL_SECONDS = 1.0
# How often a listening worker looks at its stop signal: SIGTERM ends it within this.
STOP_CHECK_SECONDS = 1.0

log = logging.getLogger(__name__)


class Wakeup:
    """Waits for a queued message or the end of the interval, whichever comes first."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._listening: psycopg.Connection | None = None
        self._schema: str | None = None

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Return once a message was queued (PostgreSQL), `seconds` have passed (at most one
        on SQLite), or `stop` is set."""
        if self._engine.dialect.name != "postgresql":
            stop.wait(min(seconds, SQLITE_POLL_SECONDS))
            return
        try:
            self._wait_for_notification(stop, seconds)
        except (psycopg.Error, sa.exc.SQLAlchemyError):  # the server went away: poll meanwhile
            log.warning("not listening for queued messages; looking again in %s s", seconds)
            self.close()
            stop.wait(seconds)

    def _wait_for_notification(self, stop: threading.Event, seconds: float) -> None:
        connection = self._listening or self._listen()
        ends = time.monotonic() + seconds
        while (left := ends - time.monotonic()) > 0 and not stop.is_set():
            for notification in connection.notifies(timeout=min(left, STOP_CHECK_SECONDS)):
                # The payload is the schema of the table a message was queued in: another
                # installation in the same database (a schema of its own) wakes its own workers.
                if notification.payload == self._schema:
                    return

    def _listen(self) -> psycopg.Connection:
        # A connection of its own, taken out of the pool for good: it stays in autocommit,
        # listening, for as long as the worker runs.
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.rollback()  # the pool's ping may have begun a transaction
        connection.autocommit = True
        connection.execute(f"LISTEN {CHANNEL}")
        self._schema = connection.execute("SELECT current_schema()").fetchone()[0]
        self._listening = connection
        return connection

    def close(self) -> None:
        if self._listening is not None:
            self._listening.close()
            self._listening = None
