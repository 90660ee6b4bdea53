"""The change feeds: RSS 2.0 and Atom 1.0 (feedgen) and JSON Feed 1.1, one entry per notice
event (announced, withdrawn, in effect), in the reader's language.

Each entry's id is stable (a tag URI naming the notice and the event), so a reader shows an
event once; the feed answers conditional requests with 304. Every address in a feed starts with
PUBLIC_URL, never with the Host header the request came with. The documents themselves are
`feed_documents`' work.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry import audit
from registry.extensions import db
from registry.i18n import current_language
from registry.links import public_url
from registry.models import ChangeNotice
from registry.notices.feed_documents import (
    MEDIA_TYPES,
    FeedEntry,
    FeedHead,
    build_feed,
    feed_response,
    last_modified,
    tag_uri,
    xml_safe,
)
from registry.notices.kinds import kind_of
from registry.notices.records import change_title, notice_record
from registry.public import blueprint
from registry.single_line import one_line

FEED_LENGTH = 50
MAX_AGE = 300


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
    return _feed("rss", "public.feed_rss")


@blueprint.get("/feeds/changes.atom")
def feed_atom():
    return _feed("atom", "public.feed_atom")


@blueprint.get("/feeds/changes.json")
def feed_json():
    return _feed("json", "public.feed_json")


def _feed(feed_format: str, endpoint: str):
    entries = [_entry(event) for event in _events()]
    body = build_feed(_head(endpoint), entries, feed_format)
    response = feed_response(body, MEDIA_TYPES[feed_format], last_modified(entries), MAX_AGE)
    # Without ?lang= the language comes from the cookie or the browser's preferences
    # (registry.i18n says so in Vary).
    return response


def _head(endpoint: str) -> FeedHead:
    language = current_language()
    checkpoint = audit.checkpoint()
    described = _(
        "Every intended change to our subprocessors, announced before it takes effect, "
        "with the deadline for objections."
    )
    kept = _("Audit trail checkpoint: %(checkpoint)s", checkpoint=checkpoint)
    return FeedHead(
        id=public_url("public.changes"),
        title=_(
            "Changes to the subprocessors of %(organisation)s",
            organisation=current_app.config["ORG_NAME"],
        ),
        description=f"{described} {kept}",
        home_url=public_url("public.changes", lang=language),
        self_url=public_url(endpoint, lang=language),
        language=language,
        # An extension (JSON Feed 1.1, "Extensions"): the head of the audit trail, to keep.
        extensions={"_audit_checkpoint": checkpoint},
    )


def _entry(event: FeedEvent) -> FeedEntry:
    notice_url = public_url("public.change", notice_id=event.notice["id"], lang=current_language())
    html = render_template(
        "public/_feed_entry.html", event=event, notice=event.notice, notice_url=notice_url
    )
    return FeedEntry(
        # The notice's day, the notice and the event.
        id=tag_uri(event.notice["announced_at"][:10], f"notice-{event.notice['id']}-{event.event}"),
        title=event.title,
        url=notice_url,
        at=event.at,
        html=xml_safe(html),
    )


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
