"""The time, from one place, so that tests can move it, and how its instants read.

`now()` is an aware UTC datetime; `today()` is the day it is in the organisation's time zone
(ORG_TIMEZONE), the one "today" of public pages, the API, verdicts, review dates, the worker and
the CLI. Tests set `app.config["CLOCK"]` to a callable returning the instant they want; nothing
sleeps. Instants are shown in the organisation's time zone in the reader's language, and in
UTC as ISO 8601.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import format_date, format_time


def now() -> datetime:
    """The current instant in UTC, or the test clock's."""
    if has_app_context() and current_app.config.get("CLOCK") is not None:
        return current_app.config["CLOCK"]().astimezone(UTC)
    return datetime.now(UTC)


class Replay:
    """A stopped clock that its user moves forward, event by event (`replaying`)."""

    def __init__(self, start: datetime) -> None:
        self.instant = start

    def __call__(self) -> datetime:
        return self.instant

    def move_to(self, instant: datetime) -> None:
        self.instant = max(self.instant, instant)


@contextmanager
def replaying(start: datetime) -> Iterator[Replay]:
    """Within the block, `now()` is `start`, moved forward by the block: for recording a dated
    history in order (the demo's past notices), each event at its own instant."""
    previous = current_app.config.get("CLOCK")
    replay = Replay(start)
    current_app.config["CLOCK"] = replay
    try:
        yield replay
    finally:
        current_app.config["CLOCK"] = previous


def today() -> date:
    """The day `now()` falls on in the organisation's time zone (needs an application context)."""
    return now().astimezone(ZoneInfo(current_app.config["ORG_TIMEZONE"])).date()


def machine_seconds() -> float:
    """Seconds since the epoch by the machine's own clock, for what libraries count by it
    themselves (the rate limiter's windows), which the test clock does not move."""
    return time.time()


def stopwatch() -> float:
    """Seconds on the machine's monotonic clock: the difference of two readings is how long
    something took (a webhook's answer), whatever the test clock says."""
    return time.monotonic()


def utc_text(instant: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second: 2026-12-02T09:00:00Z."""
    return instant.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_text(instant: datetime) -> str:
    """The date and time in the organisation's time zone, in the reader's language, naming the
    zone: “2. Dezember 2026, 10:00 (Europe/Luxembourg)”."""
    zone = current_app.config["ORG_TIMEZONE"]
    return f"{format_date(instant, 'long')}, {format_time(instant, 'HH:mm')} ({zone})"


def local_and_utc(instant: datetime) -> str:
    """The local text followed by the UTC instant, for messages."""
    return f"{local_text(instant)} = {utc_text(instant)}"


def local_date(instant: datetime) -> date:
    """The day `instant` falls on in the organisation's time zone."""
    return instant.astimezone(ZoneInfo(current_app.config["ORG_TIMEZONE"])).date()
