"""The change feeds, read by a real feed client (feedparser): valid, one entry per notice event
with a stable id, in the reader's language, and answering conditional requests with 304."""

import feedparser
import pytest

from registry.extensions import db
from registry.models import ChangeKind, Subprocessor
from registry.notices import changes

FEEDS = ["/feeds/changes.rss", "/feeds/changes.atom"]


@pytest.fixture
def notices(app, clock, make_subprocessor):
    """Nimbus announced, then Harbourline announced and withdrawn, then Nimbus in effect."""
    nimbus = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    harbour = make_subprocessor(name="Harbourline", status="proposed").id
    with app.app_context():
        first = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, nimbus), "t")
        db.session.commit()
        clock.move(days=1)
        second = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, harbour), "t")
        db.session.commit()
        clock.move(days=1)
        changes.withdraw(second, "t", "The contract was not signed")
        db.session.commit()
        clock.move(days=29)
        changes.apply_due()
        db.session.commit()
        return first.id, second.id


def parsed(client, address):
    response = client.get(address)
    assert response.status_code == 200
    return feedparser.parse(response.data)


@pytest.mark.parametrize("address", FEEDS)
def test_the_feed_parses_cleanly(client, notices, address):
    assert not parsed(client, address).bozo


@pytest.mark.parametrize("address", FEEDS)
def test_each_notice_event_is_one_entry_newest_first(client, notices, address):
    titles = [entry.title for entry in parsed(client, address).entries]
    assert titles == [
        "In effect: New subprocessor: Nimbus Cloud",
        "Withdrawn: New subprocessor: Harbourline",
        "Announced: New subprocessor: Harbourline",
        "Announced: New subprocessor: Nimbus Cloud",
    ]


@pytest.mark.parametrize("address", FEEDS)
def test_an_entry_keeps_its_id_when_later_events_are_added(
    app, client, clock, notices, make_subprocessor, address
):
    before = {entry.title: entry.id for entry in parsed(client, address).entries}
    fresh = make_subprocessor(name="Fresh", status="proposed").id
    with app.app_context():
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, fresh), "t")
        db.session.commit()
    after = {entry.title: entry.id for entry in parsed(client, address).entries}
    assert {title: after[title] for title in before} == before
    assert len(set(after.values())) == 5


@pytest.mark.parametrize("address", FEEDS)
def test_an_entry_gives_the_deadline_and_links_to_the_notice(client, notices, address):
    nimbus = parsed(client, address).entries[-1]
    assert "December 2, 2026, 10:00 (Europe/Luxembourg)" in nimbus.summary
    assert nimbus.link.endswith(f"/changes/{notices[0]}?lang=en")


@pytest.mark.parametrize("address", FEEDS)
def test_the_feed_is_in_the_language_asked_for(client, notices, address):
    entry = parsed(client, f"{address}?lang=de").entries[-1]
    assert entry.title == "Angekündigt: Neuer Unterauftragsverarbeiter: Nimbus Cloud"


def test_the_json_feed_follows_json_feed_1_1(client, notices):
    document = client.get("/feeds/changes.json").json
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"]
    assert all(
        {"id", "url", "title", "content_html", "date_published"} <= set(item)
        for item in document["items"]
    )
    assert len(document["items"]) == 4


@pytest.mark.parametrize("address", [*FEEDS, "/feeds/changes.json"])
def test_a_conditional_request_for_an_unchanged_feed_gets_304(client, notices, address):
    etag = client.get(address).headers["ETag"]
    assert client.get(address, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("address", [*FEEDS, "/feeds/changes.json"])
def test_the_feed_is_last_modified_at_its_newest_event(client, notices, address):
    response = client.get(address)
    assert response.last_modified.isoformat() == "2026-12-03T09:00:00+00:00"
    again = client.get(address, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code == 304


def test_a_new_event_changes_the_etag(app, client, clock, notices, make_subprocessor):
    etag = client.get("/feeds/changes.atom").headers["ETag"]
    fresh = make_subprocessor(name="Fresh", status="proposed").id
    with app.app_context():
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, fresh), "t")
        db.session.commit()
    response = client.get("/feeds/changes.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_an_empty_feed_is_valid(client):
    assert not parsed(client, "/feeds/changes.atom").bozo


@pytest.mark.parametrize("page", ["/subprocessors", "/changes", "/transfers"])
def test_every_public_page_announces_the_feeds(client, page):
    html = client.get(page).text
    assert 'type="application/atom+xml"' in html and 'type="application/rss+xml"' in html


def test_the_atom_content_of_an_entry_is_html_a_reader_renders(runner, client):
    runner.invoke(args=["demo", "load"])
    parsed = feedparser.parse(client.get("/feeds/changes.atom").data)
    [content] = parsed.entries[0].content
    assert content.type == "text/html"
    assert "<table>" in content.value
