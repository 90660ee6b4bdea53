"""The time, from one place, so that tests can move it.

`now()` is an aware UTC datetime; `today()` is the day it is in the organisation's time zone
(ORG_TIMEZONE), the one "today" of public pages, the API, verdicts, review dates, the worker and
the CLI. Tests set `app.config["CLOCK"]` to a callable returning the instant they want; nothing
sleeps.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now() -> datetime:
    """The current instant in UTC, or the test clock's."""
    if has_app_context() and current_app.config.get("CLOCK") is not None:
        return current_app.config["CLOCK"]().astimezone(UTC)
    return datetime.now(UTC)


def today() -> date:
    """The day `now()` falls on in the organisation's time zone (needs an application context)."""
    return now().astimezone(ZoneInfo(current_app.config["ORG_TIMEZONE"])).date()
