"""Feed documents: RSS 2.0 and Atom 1.0 (feedgen) and JSON Feed 1.1 from plain entries, and the
response that carries one. The public change feed (`notices/feeds.py`) and each customer's
private feed (`customers/feed_views.py`) pick their entries; this module alone knows the specs.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import Response, current_app, request

# When a feed has no entry, it says it was last changed at this instant.
NOTHING_YET = datetime(2000, 1, 1, tzinfo=UTC)
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
MEDIA_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True)
class FeedHead:
    """What a feed says of itself; every address is absolute (PUBLIC_URL)."""

    id: str
    title: str
    description: str
    home_url: str
    self_url: str
    language: str
    # JSON Feed 1.1 extensions ("_name": value), e.g. the audit trail's checkpoint.
    extensions: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    url: str
    at: datetime
    html: str


def tag_uri(day: str, name: str) -> str:
    """A stable entry id (RFC 4151): the registry's host, a day (YYYY-MM-DD) and a name."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    return f"tag:{host},{day}:{name}"


def xml_safe(html: str) -> str:
    """XML 1.0 has no place for the other C0 control characters, which a stored text may hold."""
    return NOT_IN_XML.sub(" ", html)


def last_modified(entries: list[FeedEntry]) -> datetime:
    return max((entry.at for entry in entries), default=NOTHING_YET)


def build_feed(head: FeedHead, entries: list[FeedEntry], feed_format: str) -> bytes:
    """The feed document in `feed_format` (rss, atom or json); `entries` newest first."""
    if feed_format == "json":
        return _json_feed(head, entries)
    feed = FeedGenerator()
    feed.id(head.id)
    feed.title(head.title)
    feed.subtitle(head.description)
    feed.author({"name": current_app.config["ORG_NAME"], "email": current_app.config["DPO_EMAIL"]})
    feed.link(href=head.home_url, rel="alternate")
    feed.link(href=head.self_url, rel="self")
    feed.language(head.language)
    feed.updated(last_modified(entries))
    feed.lastBuildDate(last_modified(entries))
    for entry in reversed(entries):  # feedgen puts each new entry first
        added = feed.add_entry()
        added.id(entry.id)
        added.guid(entry.id, permalink=False)
        added.title(entry.title)
        added.link(href=entry.url)
        added.published(entry.at)
        added.updated(entry.at)
        # The description first: feedgen's description() would replace the Atom content and
        # drop its type, and readers would then show the tags as text.
        added.description(entry.html)
        added.content(entry.html, type="html")
    return feed.rss_str(pretty=True) if feed_format == "rss" else feed.atom_str(pretty=True)


def _json_feed(head: FeedHead, entries: list[FeedEntry]) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": head.title,
        "home_page_url": head.home_url,
        "feed_url": head.self_url,
        "description": head.description,
        "language": head.language,
        "authors": [{"name": current_app.config["ORG_NAME"]}],
        **head.extensions,
        "items": [
            {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "content_html": entry.html,
                "date_published": entry.at.isoformat(),
                "date_modified": entry.at.isoformat(),
            }
            for entry in entries
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def feed_response(
    body: bytes, mimetype: str, modified: datetime, max_age: int, private: bool = False
) -> Response:
    """The document with its validators (ETag, Last-Modified), answering a conditional request
    with 304. A private feed (its address is its key) is kept by no shared cache."""
    response = Response(body, mimetype=mimetype)
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = modified
    return response.make_conditional(request)
