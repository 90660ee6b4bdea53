"""The mixed load on the two servers: readers hammering the public pages, the API and the feeds
(half of their GETs revalidating at one server the ETag the other gave); an admin announcing
new purposes through the admin pages while another admin session publishes editorial
corrections on the other server; people subscribing through the public form and confirming
by the link in their email; and objections sent through a
subscriber's notice email, a customer contact's notice email, and the public form confirmed by
email.

After each write's answer has been read, the writer's thread reads the affected public answers
from both servers, as the public (no cookie): what they miss is kept in `Load.stale`.
"""

import html
import json
import threading
import time
import traceback
from dataclasses import dataclass, field
from itertools import cycle

from tests.mailbox import text_of
from tests.scale_out.browsing import (
    Answer,
    Browser,
    Record,
    field_value,
    link_to,
    textarea,
    wait_for,
)
from tests.scale_out.cluster import ADMIN_EMAIL, ADMIN_PASSWORD, Cluster

READ_PATHS = (
    "/subprocessors",
    "/api/v1/subprocessors",
    "/changes",
    "/api/v1/changes",
    "/transfers",
    "/api/v1/transfers",
    "/feeds/changes.atom",
    "/feeds/changes.rss",
    "/feeds/changes.json",
    "/subprocessors?lang=de",
    "/changes?lang=fr",
)
# The readers' paths that show a notice, and those that show a subprocessor's address.
SHOWS_NOTICES = {path for path in READ_PATHS if "changes" in path}
SHOWS_ADDRESSES = {path for path in READ_PATHS if "subprocessors" in path}
READERS = 3
SUBSCRIBERS = 6
EARLY_SUBSCRIBERS = 2  # confirmed before the first announcement
ANNOUNCEMENTS = 3
CORRECTIONS = 3
ANONYMOUS_OBJECTIONS = 2
MAIL_SECONDS = 20
# Purposes the demo data gives none of the subprocessors announced below.
NEW_PURPOSES = ("transcription", "monitoring", "email", "invoicing")


@dataclass(frozen=True)
class Write:
    """A write through the forms: when it was sent, when its answer had been read, and what
    it changed: a notice (`marker` is its page's path) or an address (`marker` is the new one)."""

    what: str
    subprocessor_id: int
    sent_at: float
    answered_at: float
    status: int
    marker: str
    notice_id: int | None = None


@dataclass(frozen=True)
class Subscription:
    email: str
    confirm_sent_at: float
    confirmed_at: float
    status: int


@dataclass
class Load:
    record: Record = field(default_factory=Record)
    announcements: list[Write] = field(default_factory=list)
    corrections: list[Write] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    objections: list[tuple[str, int]] = field(default_factory=list)  # (how, final status)
    # A reader's 200 and the answer of the other server to its ETag, asked right after.
    revalidations: list[tuple[Answer, Answer]] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    freshness_checks: int = 0
    crashed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run(cluster: Cluster, reading_seconds: float) -> Load:
    """Run the load until the writers are done and at least `reading_seconds` have passed."""
    load = Load()
    reading = threading.Event()
    early = threading.Event()
    first_notice = threading.Event()
    to_announce, to_correct = _targets(Browser(load.record), cluster.servers[0])
    people = [
        (_subscribers, (cluster, load, early)),
        (_announcer, (cluster, load, to_announce, early, first_notice)),
        (_corrector, (cluster, load, to_correct, early)),
        (_objectors, (cluster, load, first_notice)),
    ]
    writers = [_thread(load, work, arguments) for work, arguments in people]
    readers = [
        _thread(load, _reader, (cluster, load, reading, number)) for number in range(READERS)
    ]
    started = time.monotonic()
    reading.set()
    for thread in [*writers, *readers]:
        thread.start()
    for thread in writers:
        thread.join(timeout=90)
    time.sleep(max(0.0, reading_seconds - (time.monotonic() - started)))
    reading.clear()
    for thread in readers:
        thread.join(timeout=60)
    load.seconds = time.monotonic() - started
    return load


def _thread(load: Load, work, arguments) -> threading.Thread:
    def guarded():
        try:
            work(*arguments)
        except Exception:  # kept for the test to report, not lost with the thread
            load.crashed.append(traceback.format_exc())

    return threading.Thread(target=guarded, name=work.__name__, daemon=True)


def _reader(cluster: Cluster, load: Load, reading: threading.Event, number: int) -> None:
    """Reads the paths in turn, each from one server and then again from the other with the
    ETag the first gave: both keep the same answers, so the second is a 304 unless a write
    came in between."""
    browser = Browser(load.record)
    paths = cycle(READ_PATHS[number:] + READ_PATHS[:number])
    first, second = cluster.servers if number % 2 else reversed(cluster.servers)
    while reading.is_set():
        path = next(paths)
        answer = browser.get(first, path)
        if answer.status == 200 and "ETag" in answer.headers:
            again = browser.get(second, path, {"If-None-Match": answer.headers["ETag"]})
            load.revalidations.append((answer, again))
        first, second = second, first


def _subscribers(cluster: Cluster, load: Load, early: threading.Event) -> None:
    for number in range(SUBSCRIBERS):
        email = f"subscriber-{number}@scale-out.example"
        server, other = cluster.servers[number % 2], cluster.servers[(number + 1) % 2]
        browser = Browser(load.record, cookies=True)
        form_page = browser.get(server, "/subscribe").text
        form = {
            "csrf_token": field_value(form_page, "csrf_token"),
            "email": email,
            "language": ("en", "de", "fr")[number % 3],
        }
        assert browser.post(server, "/subscribe", form).status == 302
        message = _mail(cluster, email, "/subscriptions/confirm/")
        link = link_to(text_of(message), "/subscriptions/confirm/")
        page = browser.get(other, link).text
        sent_at = time.monotonic()
        answer = browser.post(other, link, {"csrf_token": field_value(page, "csrf_token")})
        load.subscriptions.append(Subscription(email, sent_at, time.monotonic(), answer.status))
        if len(load.subscriptions) >= EARLY_SUBSCRIBERS:
            early.set()


def _announcer(
    cluster: Cluster,
    load: Load,
    to_announce: list[dict],
    early: threading.Event,
    first_notice: threading.Event,
) -> None:
    """An admin announcing a new purpose for each subprocessor, on each server in turn."""
    browser, public = _admin(cluster, load)
    early.wait(timeout=MAIL_SECONDS)
    for number, entry in enumerate(to_announce):
        server = cluster.servers[number % 2]
        write = _announce(browser, public, server, entry, NEW_PURPOSES[number])
        load.announcements.append(write)
        first_notice.set()
        _check_fresh(cluster, public, load, "announce", write)


def _corrector(
    cluster: Cluster, load: Load, to_correct: list[dict], early: threading.Event
) -> None:
    """Another admin session, correcting addresses at the same time on the other server."""
    browser, public = _admin(cluster, load)
    early.wait(timeout=MAIL_SECONDS)
    for number, entry in enumerate(to_correct):
        server = cluster.servers[(number + 1) % 2]
        write = _correct(browser, server, entry, number)
        load.corrections.append(write)
        _check_fresh(cluster, public, load, "correct", write)


def _admin(cluster: Cluster, load: Load) -> tuple[Browser, Browser]:
    """A session logged in to the admin area, and a browser without cookies for the public."""
    browser = Browser(load.record, cookies=True)
    first = cluster.servers[0]
    login = browser.get(first, "/admin/login").text
    form = {
        "csrf_token": field_value(login, "csrf_token"),
        "email": ADMIN_EMAIL,
        "password": ADMIN_PASSWORD,
    }
    assert browser.post(first, "/admin/login", form).status == 302
    return browser, Browser(load.record)


def _targets(public: Browser, server: str) -> tuple[list[dict], list[dict]]:
    """Subprocessors to announce a purpose for (no change open, every location judged valid,
    none of the new purposes yet) and others to correct."""
    entries = json.loads(public.get(server, "/api/v1/subprocessors").body)["subprocessors"]
    changes = json.loads(public.get(server, "/api/v1/changes").body)["changes"]
    busy = {change["subprocessor"]["id"] for change in changes if change["state"] == "announced"}
    free = [entry for entry in entries if entry["id"] not in busy]
    valid = [
        entry
        for entry in free
        if all(place["transfer"]["status"] in ("eea", "adequate") for place in entry["locations"])
        and not {purpose["code"] for purpose in entry["purposes"]} & set(NEW_PURPOSES)
    ]
    to_announce = valid[:ANNOUNCEMENTS]
    to_correct = [entry for entry in free if entry not in to_announce][:CORRECTIONS]
    assert len(to_announce) == ANNOUNCEMENTS and len(to_correct) == CORRECTIONS
    return to_announce, to_correct


def _announce(browser: Browser, public: Browser, server: str, entry: dict, purpose: str) -> Write:
    page = browser.get(server, f"/admin/subprocessors/{entry['id']}").text
    form = {
        "purpose-csrf_token": field_value(page, "purpose-csrf_token"),
        "purpose-purposes": purpose,
        "confirmed": "1",
    }
    sent_at = time.monotonic()
    answer = browser.post(server, f"/admin/subprocessors/{entry['id']}/announce-purpose", form)
    answered_at = time.monotonic()
    changes = json.loads(public.get(server, "/api/v1/changes").body)["changes"]
    notice_id = next(
        (
            change["id"]
            for change in changes
            if change["subprocessor"]["id"] == entry["id"] and change["kind"] == "new_purpose"
        ),
        None,
    )
    marker = f"/changes/{notice_id}"
    return Write("announce", entry["id"], sent_at, answered_at, answer.status, marker, notice_id)


def _correct(browser: Browser, server: str, entry: dict, number: int) -> Write:
    page = browser.get(server, f"/admin/subprocessors/{entry['id']}").text
    form = {
        f"editorial-{name}": field_value(page, f"editorial-{name}")
        for name in ("csrf_token", "name", "legal_name", "website")
    }
    address = f"{entry['address']} (scale-out {number})"
    form["editorial-address"] = address
    form["editorial-reason"] = "The scale-out test corrects the address."
    sent_at = time.monotonic()
    answer = browser.post(server, f"/admin/subprocessors/{entry['id']}/editorial", form)
    return Write("correct", entry["id"], sent_at, time.monotonic(), answer.status, address)


def _check_fresh(cluster: Cluster, public: Browser, load: Load, kind: str, write: Write) -> None:
    """Read what the write changed from both servers, as the public does, right after the
    write's answer was read; each miss is a stale answer."""
    paths = ("/api/v1/changes", "/changes") if kind == "announce" else SHOWS_ADDRESSES
    for server in cluster.servers:
        for path in sorted(paths):
            load.freshness_checks += 1
            if not _shows(path, public.get(server, path).body, write):
                load.stale.append(f"{server}{path} lacks {write.marker} after its write")


def reads_after_writes(load: Load) -> tuple[int, list[str]]:
    """Each reader's answer asked after a write's answer had been read, held to that write's
    change: a 200 by its body, a 304 by the body of the answer whose ETag it confirmed. How
    many (read, write) pairs were checked, and those that lacked the change."""
    read = [(answer, answer.body) for answer in load.record.answers if answer.status == 200]
    read += [(again, first.body) for first, again in load.revalidations if again.status == 304]
    checked, stale = 0, []
    for answer, body in read:
        for write in [*load.announcements, *load.corrections]:
            paths = SHOWS_NOTICES if write.what == "announce" else SHOWS_ADDRESSES
            if (
                answer.method == "GET"
                and answer.path in paths
                and answer.asked_at > write.answered_at
            ):
                checked += 1
                if not _shows(answer.path, body, write):
                    stale.append(
                        f"{answer.status} {answer.server}{answer.path} lacks {write.marker}"
                    )
    return checked, stale


def _shows(path: str, body: bytes, write: Write) -> bool:
    if path == "/api/v1/changes":
        return write.notice_id in {change["id"] for change in json.loads(body)["changes"]}
    if path == "/api/v1/subprocessors":
        entries = json.loads(body)["subprocessors"]
        return write.marker in {entry["address"] for entry in entries}
    return write.marker in html.unescape(body.decode())


def _objectors(cluster: Cluster, load: Load, first_notice: threading.Event) -> None:
    first_notice.wait(timeout=60)
    notice_id = wait_for(
        lambda: load.announcements[0].notice_id, MAIL_SECONDS, "the first notice's id"
    )
    early = [subscription.email for subscription in load.subscriptions[:EARLY_SUBSCRIBERS]]
    for number, email in enumerate(early):
        message = _mail(cluster, email, f"/changes/{notice_id}/object?subscriber=")
        link = link_to(text_of(message), f"/changes/{notice_id}/object?subscriber=")
        load.objections.append(("subscriber's notice email", _object(cluster, load, link, number)))
    ours = [f"/changes/{write.notice_id}/object?contact=" for write in load.announcements]
    contact = _mail(cluster, None, ours)
    link = link_to(text_of(contact), next(prefix for prefix in ours if prefix in text_of(contact)))
    load.objections.append(("contact's notice email", _object(cluster, load, link, 2)))
    for number in range(ANONYMOUS_OBJECTIONS):
        email = f"objector-{number}@scale-out.example"
        status = _object(cluster, load, f"/changes/{notice_id}/object", number, email)
        if status == 302:
            status = _confirm_objection(cluster, load, email, number)
        load.objections.append(("public form, confirmed by email", status))


def _object(cluster: Cluster, load: Load, link: str, number: int, email: str = "") -> int:
    browser = Browser(load.record, cookies=True)
    server = cluster.servers[number % 2]
    page = browser.get(server, link).text
    form = {
        name: field_value(page, name)
        for name in ("csrf_token", "subscriber", "contact", "organisation", "customer_reference")
    }
    form |= {
        "organisation": form["organisation"] or "Scale-out Logistics SA",
        "customer_reference": form["customer_reference"] or f"SO-{number}",
        "contact_name": "Alex Scale",
        "contact_email": email or field_value(page, "contact_email"),
        "grounds": "The scale-out test objects.",
    }
    path = link.partition("?")[0]
    return browser.post(server, path, form).status


def _confirm_objection(cluster: Cluster, load: Load, email: str, number: int) -> int:
    browser = Browser(load.record, cookies=True)
    server = cluster.servers[(number + 1) % 2]
    link = link_to(text_of(_mail(cluster, email, "/objections/confirm/")), "/objections/confirm/")
    page = browser.get(server, link).text
    form = {
        name: field_value(page, name) for name in ("csrf_token", "organisation", "contact_name")
    }
    form["grounds"] = textarea(page, "grounds")
    return browser.post(server, link, form).status


def _mail(cluster: Cluster, recipient: str | None, link_prefix: str | list[str]):
    """The first message delivered to `recipient` (anyone, if None) with a link starting with
    `link_prefix` (or with any of them)."""
    prefixes = [link_prefix] if isinstance(link_prefix, str) else link_prefix

    def found():
        for message in list(cluster.smtp.sink.messages):
            if recipient is not None and str(message["To"]) != recipient:
                continue
            if any(prefix in text_of(message) for prefix in prefixes):
                return message
        return None

    return wait_for(found, MAIL_SECONDS, f"an email to {recipient} linking to {prefixes}")
