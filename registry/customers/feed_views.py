"""A customer's private feeds: the notices that concern it, each with its own deadline, as
Atom, RSS and JSON Feed (built as the public change feed is, `notices/feed_documents.py`) and
as an iCalendar calendar of its deadlines and effective dates (`customers/calendar.py`).

No login: the address holds the customer's random feed token, which its contacts replace from
their view (the old address then answers 404). The feeds are in the customer's language unless
`?lang=` asks for another, and are kept by no shared cache.
"""

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from registry import clock, labels
from registry.customers import records
from registry.customers.calendar import CalendarEvent, CalendarHead, build_calendar
from registry.extensions import db
from registry.i18n import current_language
from registry.links import public_url
from registry.models import Customer, CustomerEffect, CustomerNotice, NoticeState
from registry.notices.feed_documents import (
    MEDIA_TYPES,
    NOTHING_YET,
    FeedEntry,
    FeedHead,
    build_feed,
    feed_response,
    last_modified,
    tag_uri,
    xml_safe,
)
from registry.notices.records import change_title, notice_record
from registry.public import blueprint
from registry.single_line import one_line

MAX_AGE = 300
# The effects that are news for the customer, with the instant they began (`effect_since`).
EFFECT_EVENTS = (
    CustomerEffect.IN_EFFECT,
    CustomerEffect.HELD,
    CustomerEffect.EXCLUDED,
    CustomerEffect.CONTRACT_ENDED,
)


@blueprint.get("/customer-feeds/<feed_token>.atom")
def customer_feed_atom(feed_token: str):
    return _feed(feed_token, "atom", "public.customer_feed_atom")


@blueprint.get("/customer-feeds/<feed_token>.rss")
def customer_feed_rss(feed_token: str):
    return _feed(feed_token, "rss", "public.customer_feed_rss")


@blueprint.get("/customer-feeds/<feed_token>.json")
def customer_feed_json(feed_token: str):
    return _feed(feed_token, "json", "public.customer_feed_json")


@blueprint.get("/customer-feeds/<feed_token>.ics")
def customer_calendar(feed_token: str):
    customer = _customer(feed_token)
    with force_locale(_language(customer)):
        rows = records.customer_notices(customer)
        changed = records.last_changed(rows)
        events = [event for row in rows for event in _calendar_events(row, changed[row.id])]
        head = CalendarHead(
            product=f"-//{current_app.config['ORG_NAME']}//Subprocessor registry//EN",
            name=_feed_title(customer),
            description=_feed_description(customer),
            source_url=_self_url("public.customer_calendar", customer),
            language=current_language(),
        )
        body = build_calendar(head, events)
    modified = max(changed.values(), default=NOTHING_YET)
    return _private(feed_response(body, "text/calendar", modified, MAX_AGE, private=True))


def _feed(feed_token: str, feed_format: str, endpoint: str):
    customer = _customer(feed_token)
    with force_locale(_language(customer)):
        entries = _entries(customer)
        head = FeedHead(
            id=tag_uri(customer.created_at.date().isoformat(), f"customer-{customer.id}"),
            title=_feed_title(customer),
            description=_feed_description(customer),
            home_url=public_url("public.customer_access", lang=current_language()),
            self_url=_self_url(endpoint, customer),
            language=current_language(),
        )
        body = build_feed(head, entries, feed_format)
    response = feed_response(
        body, MEDIA_TYPES[feed_format], last_modified(entries), MAX_AGE, private=True
    )
    return _private(response)


def _customer(feed_token: str) -> Customer:
    customer = db.session.scalar(sa.select(Customer).where(Customer.feed_token == feed_token))
    if customer is None or customer.contract_ended_on is not None:
        abort(
            404,
            description=_(
                "There is no feed at this address: it was replaced by a newer one, or the "
                "contract ended. A customer's contacts find the current address in their view."
            ),
        )
    return customer


def _language(customer: Customer) -> str:
    """The language asked for with ?lang= (checked before the view), else the customer's."""
    return request.args.get("lang", "").strip().lower() or customer.language


def _entries(customer: Customer) -> list[FeedEntry]:
    """One entry per event of each notice as it applies to the customer, newest first."""
    upcoming, past = records.changes_for(customer)
    entries = []
    for change in [*upcoming, *past]:
        row = change["row"]
        events = [("announced", row.notice.announced_at)]
        if row.notice.withdrawn_at is not None:
            events.append(("withdrawn", row.notice.withdrawn_at))
        if row.effect in EFFECT_EVENTS and row.effect_since is not None:
            events.append((row.effect.value, row.effect_since))
        entries += [_entry(customer, change, event, at) for event, at in events]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _entry(customer: Customer, change: dict, event: str, at: datetime) -> FeedEntry:
    notice = change["notice"]
    title = change_title(notice)
    titles = {
        "announced": _("Announced: %(change)s", change=title),
        "withdrawn": _("Withdrawn: %(change)s", change=title),
        "in_effect": _("In effect: %(change)s", change=title),
        "held": _("Held for you: %(change)s", change=title),
        "excluded": _("Your data excluded: %(change)s", change=title),
        "contract_ended": _("Contract ended: %(change)s", change=title),
    }
    notice_url = public_url("public.change", notice_id=notice["id"], lang=current_language())
    html = render_template(
        "customer/_feed_entry.html",
        change=change,
        notice=notice,
        event=event,
        notice_url=notice_url,
        access_url=public_url("public.customer_access", lang=current_language()),
    )
    return FeedEntry(
        id=tag_uri(notice["announced_at"][:10], f"notice-{notice['id']}-{customer.id}-{event}"),
        title=one_line(titles[event]),
        url=notice_url,
        at=at,
        html=xml_safe(html),
    )


def _calendar_events(row: CustomerNotice, changed: datetime) -> list[CalendarEvent]:
    notice = row.notice
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    title = change_title(notice_record(notice))
    url = public_url("public.change", notice_id=notice.id, lang=current_language())
    described = "\n".join(
        [
            title,
            _(
                "Your deadline for objections: %(when)s",
                when=clock.local_and_utc(row.objection_deadline),
            ),
            _("Takes effect: %(when)s", when=clock.local_and_utc(notice.takes_effect_at)),
            _("Where it stands for you: %(effect)s", effect=labels.CUSTOMER_EFFECTS[row.effect]),
            url,
        ]
    )
    common = {
        "sequence": row.revision,
        "changed_at": changed,
        "url": url,
        "description": described,
        "cancelled": notice.state is NoticeState.WITHDRAWN,
    }
    return [
        CalendarEvent(
            uid=f"notice-{notice.id}-deadline-{row.customer_id}@{host}",
            summary=_("Deadline for objections: %(change)s", change=title),
            starts_at=row.objection_deadline,
            **common,
        ),
        CalendarEvent(
            uid=f"notice-{notice.id}-effective-{row.customer_id}@{host}",
            summary=_("Takes effect: %(change)s", change=title),
            starts_at=notice.takes_effect_at,
            **common,
        ),
    ]


def _self_url(endpoint: str, customer: Customer) -> str:
    return public_url(endpoint, feed_token=customer.feed_token, lang=current_language())


def _feed_title(customer: Customer) -> str:
    return _(
        "Subprocessor changes for %(customer)s",
        customer=customer.organisation,
    )


def _feed_description(customer: Customer) -> str:
    return _(
        "The intended changes to the subprocessors of %(organisation)s that concern "
        "%(customer)s (reference %(reference)s), each with its own deadline for objections "
        "and where it stands for it.",
        organisation=current_app.config["ORG_NAME"],
        customer=customer.organisation,
        reference=customer.reference,
    )


def _private(response):
    response.headers["X-Robots-Tag"] = "noindex"
    return response
