"""A customer's calendar of its deadlines and effective dates, read by two independent iCalendar
parsers (icalendar and vobject): each notice's events keep their UID, take a higher SEQUENCE
with the new times when the dates move, and stay, cancelled, when the notice is withdrawn."""

from datetime import UTC, datetime

import icalendar
import pytest
import vobject

from registry.extensions import db
from registry.models import ChangeKind, ChangeNotice, Customer, Service, Subprocessor
from registry.notices import changes

ANNOUNCED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
# The customer's 45 days' notice, and the change taking effect at the latest deadline.
DEADLINE = datetime(2026, 12, 17, 9, 0, tzinfo=UTC)


@pytest.fixture
def calendar_address(app, clock, make_subprocessor, make_term, make_customer):
    """The calendar of a customer with 45 days' notice, whom the Nimbus Cloud notice concerns."""
    service = make_term(Service, name="Voice")
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed", services=[service])
    customer_id = make_customer(proposed.entities[0], [service], notice_days=45)
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, proposed.id)
        changes.announce(ChangeKind.ADDITION, subprocessor, "t")
        db.session.commit()
        return f"/customer-feeds/{db.session.get(Customer, customer_id).feed_token}.ics"


def the_notice(app) -> ChangeNotice:
    with app.app_context():
        db.session().expire_on_commit = False
        return db.session.scalars(db.select(ChangeNotice)).one()


def events(client, address) -> dict[str, icalendar.Event]:
    """The calendar's events by UID, as icalendar reads them."""
    calendar = icalendar.Calendar.from_ical(client.get(address).data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def by_kind(found: dict, kind: str):
    [event] = [event for uid, event in found.items() if f"-{kind}-" in uid]
    return event


def move_dates(app, days: int) -> None:
    with app.app_context():
        notice = db.session.scalars(db.select(ChangeNotice)).one()
        changes.move_later(notice, days, "legal@example.com", "The customer asked for time")
        db.session.commit()


def test_the_calendar_is_text_calendar_in_utf_8(client, calendar_address):
    response = client.get(calendar_address)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_calendar_parses_with_icalendar(client, calendar_address):
    calendar = icalendar.Calendar.from_ical(client.get(calendar_address).data)
    assert (calendar["VERSION"], len(calendar.walk("VEVENT"))) == ("2.0", 2)


def test_the_calendar_parses_with_vobject(client, calendar_address):
    calendar = vobject.readOne(client.get(calendar_address).get_data(as_text=True))
    summaries = sorted(event.summary.value for event in calendar.vevent_list)
    assert summaries == [
        "Deadline for objections: New subprocessor: Nimbus Cloud",
        "Takes effect: New subprocessor: Nimbus Cloud",
    ]


def test_the_deadline_is_the_customers_own_in_utc(app, client, calendar_address):
    notice = the_notice(app)
    deadline = by_kind(events(client, calendar_address), "deadline")
    assert deadline.decoded("DTSTART") == DEADLINE
    assert str(deadline["UID"]).startswith(f"notice-{notice.id}-deadline-")


def test_the_effective_date_is_when_the_change_takes_effect(app, client, calendar_address):
    effective = by_kind(events(client, calendar_address), "effective")
    assert effective.decoded("DTSTART") == the_notice(app).takes_effect_at == DEADLINE


def test_every_time_is_written_in_utc(client, calendar_address):
    text = client.get(calendar_address).get_data(as_text=True)
    starts = [line for line in text.splitlines() if line.startswith("DTSTART")]
    assert starts == ["DTSTART:20261217T090000Z"] * 2


def test_an_event_says_when_it_last_changed(client, calendar_address):
    deadline = by_kind(events(client, calendar_address), "deadline")
    assert deadline.decoded("DTSTAMP") == deadline.decoded("LAST-MODIFIED") == ANNOUNCED


def test_moved_dates_keep_the_uid_with_a_higher_sequence(app, client, calendar_address):
    before = events(client, calendar_address)
    move_dates(app, 10)
    after = events(client, calendar_address)
    assert set(after) == set(before)
    assert all(after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"] for uid in before)


@pytest.mark.parametrize("kind", ["deadline", "effective"])
def test_moved_dates_move_the_events(app, client, calendar_address, kind):
    move_dates(app, 10)
    event = by_kind(events(client, calendar_address), kind)
    assert event.decoded("DTSTART") == datetime(2026, 12, 27, 9, 0, tzinfo=UTC)


def test_moved_dates_are_the_events_last_modification(app, client, clock, calendar_address):
    clock.move(days=2)
    move_dates(app, 10)
    deadline = by_kind(events(client, calendar_address), "deadline")
    assert deadline.decoded("LAST-MODIFIED") == datetime(2026, 11, 4, 9, 0, tzinfo=UTC)


def test_a_withdrawn_notice_keeps_its_events_cancelled(app, client, clock, calendar_address):
    uids = set(events(client, calendar_address))
    clock.move(days=1)
    with app.app_context():
        notice = db.session.scalars(db.select(ChangeNotice)).one()
        changes.withdraw(notice, "t", "The contract was not signed")
        db.session.commit()
    after = events(client, calendar_address)
    assert set(after) == uids
    assert {str(event["STATUS"]) for event in after.values()} == {"CANCELLED"}


def test_a_withdrawal_raises_the_sequence_and_the_last_modified(
    app, client, clock, calendar_address
):
    before = by_kind(events(client, calendar_address), "deadline")
    clock.move(days=1)
    with app.app_context():
        changes.withdraw(db.session.scalars(db.select(ChangeNotice)).one(), "t", "Not signed")
        db.session.commit()
    after = by_kind(events(client, calendar_address), "deadline")
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("LAST-MODIFIED") == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def test_vobject_reads_the_cancellation_and_sequence(app, client, clock, calendar_address):
    clock.move(days=1)
    with app.app_context():
        changes.withdraw(db.session.scalars(db.select(ChangeNotice)).one(), "t", "Not signed")
        db.session.commit()
    calendar = vobject.readOne(client.get(calendar_address).get_data(as_text=True))
    assert {(e.status.value, e.sequence.value) for e in calendar.vevent_list} == {
        ("CANCELLED", "1")
    }


def test_the_calendar_is_in_the_language_asked_for(client, calendar_address):
    found = events(client, f"{calendar_address}?lang=de")
    summary = str(by_kind(found, "deadline")["SUMMARY"])
    assert summary.startswith("Widerspruchsfrist")


def test_the_calendar_is_in_the_customers_language_by_default(app, client, calendar_address):
    with app.app_context():
        db.session.scalars(db.select(Customer)).one().language = "fr"
        db.session.commit()
    summary = str(by_kind(events(client, calendar_address), "deadline")["SUMMARY"])
    assert summary.startswith("Date limite d’opposition")


def test_an_unchanged_calendar_answers_a_conditional_request_with_304(client, calendar_address):
    etag = client.get(calendar_address).headers["ETag"]
    response = client.get(calendar_address, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_an_unknown_calendar_is_not_found(client, calendar_address):
    assert client.get("/customer-feeds/unknown.ics").status_code == 404
