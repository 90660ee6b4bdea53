"""The time, from one place, so that tests can move it: `now()` is an aware UTC datetime.

Tests set `app.config["CLOCK"]` to a callable returning the instant they want; nothing sleeps.
"""

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    """The current instant in UTC, or the test clock's."""
    if has_app_context() and current_app.config.get("CLOCK") is not None:
        return current_app.config["CLOCK"]().astimezone(UTC)
    return datetime.now(UTC)
