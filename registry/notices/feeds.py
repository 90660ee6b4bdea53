"""The change feeds: RSS 2.0 and Atom 1.0 (feedgen) and JSON Feed 1.1, one entry per notice
event (announced, withdrawn, in effect), in the reader's language.

Each entry's id is stable (a tag URI naming the notice and the event), so a reader shows an
event once; the feed answers conditional requests with 304. Every address in a feed starts with
PUBLIC_URL, never with the Host header the request came with.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry import audit
from registry.extensions import db
from registry.i18n import current_language
from registry.links import public_url
from registry.models import ChangeNotice
from registry.notices.kinds import kind_of
from registry.notices.records import change_title, notice_record
from registry.public import blueprint
from registry.single_line import one_line

FEED_LENGTH = 50
# When nothing was ever announced, the feeds say they were last changed at this instant.
NOTHING_YET = datetime(2000, 1, 1, tzinfo=UTC)
MAX_AGE = 300
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class FeedEvent:
    event: str  # announced, withdrawn or effective
    at: datetime
    notice: dict

    @property
    def title(self) -> str:
        change = change_title(self.notice)
        titles = {
            "announced": _("Announced: %(change)s", change=change),
            "withdrawn": _("Withdrawn: %(change)s", change=change),
            "effective": _("In effect: %(change)s", change=change),
        }
        return one_line(titles[self.event])  # a name stored with a line break


@blueprint.get("/feeds/changes.rss")
def feed_rss():
    events = _events()
    body = _feed_generator(events).rss_str(pretty=True)
    return _feed_response(body, "application/rss+xml", events)


@blueprint.get("/feeds/changes.atom")
def feed_atom():
    events = _events()
    body = _feed_generator(events).atom_str(pretty=True)
    return _feed_response(body, "application/atom+xml", events)


@blueprint.get("/feeds/changes.json")
def feed_json():
    events = _events()
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _feed_title(),
        "home_page_url": public_url("public.changes", lang=current_language()),
        "feed_url": public_url("public.feed_json", lang=current_language()),
        "description": _feed_description(),
        "language": current_language(),
        "authors": [{"name": current_app.config["ORG_NAME"]}],
        # An extension (JSON Feed 1.1, "Extensions"): the head of the audit trail, to keep.
        "_audit_checkpoint": audit.checkpoint(),
        "items": [
            {
                "id": _entry_id(event),
                "url": _notice_url(event),
                "title": event.title,
                "content_html": _entry_html(event),
                "date_published": event.at.isoformat(),
                "date_modified": event.at.isoformat(),
            }
            for event in events
        ],
    }
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return _feed_response(body, "application/feed+json", events)


def _feed_generator(events: list[FeedEvent]) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(public_url("public.changes"))
    feed.title(_feed_title())
    feed.subtitle(_feed_description())
    feed.author({"name": current_app.config["ORG_NAME"], "email": current_app.config["DPO_EMAIL"]})
    feed.link(href=public_url("public.changes", lang=current_language()), rel="alternate")
    feed.link(href=public_url(request.endpoint, lang=current_language()), rel="self")
    feed.language(current_language())
    feed.updated(_last_modified(events))
    feed.lastBuildDate(_last_modified(events))
    for event in reversed(events):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(_entry_id(event))
        entry.guid(_entry_id(event), permalink=False)
        entry.title(event.title)
        entry.link(href=_notice_url(event))
        entry.published(event.at)
        entry.updated(event.at)
        html = _entry_html(event)
        # The description first: feedgen's description() would replace the Atom content and
        # drop its type, and readers would then show the tags as text.
        entry.description(html)
        entry.content(html, type="html")
    return feed


def _feed_response(body: bytes, mimetype: str, events: list[FeedEvent]):
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # Without ?lang= the language comes from the cookie or the browser's preferences.
    response.vary.update(["Accept-Language", "Cookie"])
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = _last_modified(events)
    return response.make_conditional(request)


def _events() -> list[FeedEvent]:
    """The latest notice events, newest first."""
    latest = sa.func.coalesce(
        ChangeNotice.effective_at, ChangeNotice.withdrawn_at, ChangeNotice.announced_at
    )
    notices = db.session.scalars(
        sa.select(ChangeNotice)
        .options(
            selectinload(ChangeNotice.subprocessor),
            selectinload(ChangeNotice.replaced_subprocessor),
        )
        .order_by(latest.desc(), ChangeNotice.id.desc())
        .limit(FEED_LENGTH)
    )
    events = []
    for notice in notices:
        record = notice_record(notice)
        if kind_of(notice).takes_objections:  # an editorial one is in effect when published
            events.append(FeedEvent("announced", notice.announced_at, record))
        if notice.withdrawn_at is not None:
            events.append(FeedEvent("withdrawn", notice.withdrawn_at, record))
        if notice.effective_at is not None:
            events.append(FeedEvent("effective", notice.effective_at, record))
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:FEED_LENGTH]


def _entry_id(event: FeedEvent) -> str:
    """A tag URI (RFC 4151): the registry's host, the notice's day, the notice and the event."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    day = event.notice["announced_at"][:10]
    return f"tag:{host},{day}:notice-{event.notice['id']}-{event.event}"


def _notice_url(event: FeedEvent) -> str:
    return public_url("public.change", notice_id=event.notice["id"], lang=current_language())


def _entry_html(event: FeedEvent) -> str:
    html = render_template(
        "public/_feed_entry.html", event=event, notice=event.notice, notice_url=_notice_url(event)
    )
    # XML 1.0 has no place for the other C0 control characters, which a stored text may hold.
    return NOT_IN_XML.sub(" ", html)


def _last_modified(events: list[FeedEvent]) -> datetime:
    return events[0].at if events else NOTHING_YET


def _feed_title() -> str:
    return _(
        "Changes to the subprocessors of %(organisation)s",
        organisation=current_app.config["ORG_NAME"],
    )


def _feed_description() -> str:
    described = _(
        "Every intended change to our subprocessors, announced before it takes effect, "
        "with the deadline for objections."
    )
    checkpoint = _("Audit trail checkpoint: %(checkpoint)s", checkpoint=audit.checkpoint())
    return f"{described} {checkpoint}"
