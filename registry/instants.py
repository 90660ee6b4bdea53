"""Instants as the registry shows them: in the organisation's time zone, and in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_time


def utc_text(instant: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second: 2026-12-02T09:00:00Z."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_text(instant: datetime) -> str:
    """The date and time in the organisation's time zone, in the reader's language, naming the
    zone: “2. Dezember 2026, 10:00 (Europe/Luxembourg)”."""
    zone = current_app.config["ORG_TIMEZONE"]
    return f"{format_date(instant, 'long')}, {format_time(instant, 'HH:mm')} ({zone})"


def both(instant: datetime) -> str:
    """The local text followed by the UTC instant, for messages."""
    return f"{local_text(instant)} = {utc_text(instant)}"


def local_date(instant: datetime) -> date:
    """The day `instant` falls on in the organisation's time zone."""
    return instant.astimezone(ZoneInfo(current_app.config["ORG_TIMEZONE"])).date()
