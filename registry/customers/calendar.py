"""A customer's calendar (iCalendar, RFC 5545; the `icalendar` package): for each notice that
concerns it, an event at its own objection deadline and one at the change's effective date.

An event keeps its UID for good and takes the row's revision as its SEQUENCE, so a calendar
that subscribed updates the event in place when the dates move, and shows it cancelled (never
gone) when the notice is withdrawn. Every time is in UTC. Without a METHOD the calendar is a
published one, so DTSTAMP is when the event's information last changed (RFC 5545, 3.8.7.2), as
LAST-MODIFIED is: the document stays the same until something changes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from registry.notices.feed_documents import xml_safe
from registry.single_line import one_line

REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    description: str
    starts_at: datetime  # aware
    sequence: int
    changed_at: datetime  # aware
    url: str
    cancelled: bool = False


@dataclass(frozen=True)
class CalendarHead:
    product: str  # PRODID: who made the calendar
    name: str
    description: str
    source_url: str
    language: str


def build_calendar(head: CalendarHead, events: list[CalendarEvent]) -> bytes:
    """The VCALENDAR document with one VEVENT per event, in the order given."""
    # Imported here: only a calendar's request needs it, not every process at start.
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", head.product)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # RFC 7986 names and refreshes a published calendar; the X- names say it to older clients.
    calendar.add("name", one_line(head.name), parameters={"LANGUAGE": head.language})
    calendar.add("x-wr-calname", one_line(head.name))
    calendar.add("description", _text(head.description))
    calendar.add("x-wr-caldesc", _text(head.description))
    calendar.add("source", head.source_url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(_vevent(icalendar.Event(), event, head.language))
    return calendar.to_ical()


def _vevent(vevent, event: CalendarEvent, language: str):
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.changed_at)
    vevent.add("last-modified", event.changed_at)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", event.starts_at)
    vevent.add("summary", one_line(event.summary), parameters={"LANGUAGE": language})
    vevent.add("description", _text(event.description), parameters={"LANGUAGE": language})
    vevent.add("url", event.url, parameters={"VALUE": "URI"})
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")  # a date to keep, not time taken
    vevent.add("class", "PRIVATE")
    return vevent


def _text(text: str) -> str:
    """A TEXT value: line breaks stay (escaped by icalendar), other control characters go."""
    return xml_safe(text.replace("\r\n", "\n"))
