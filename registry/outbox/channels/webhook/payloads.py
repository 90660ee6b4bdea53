"""What a webhook endpoint is sent about each event, in its format.

`event` reads an event's facts once, through the same read models as the pages and the emails
(`notices.records.notice_record`, with the facts a customer decides on: the subprocessor, what
changes, the transfers out of the EEA and their grounds from the notice's decision record),
in the customer's language. Then:

- standard: the Standard Webhooks payload shape, `{"type", "timestamp", "data"}`
  (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
  "Payload structure"): `type` is dotted (`notice.announced`), `timestamp` the event's instant
  in ISO 8601, `data` the facts.
- slack: a Slack incoming webhook's message, `{"text", "blocks"}`: `text` is the notification's
  fallback when blocks are given; a header block, a section of fields (mrkdwn, at most 10) and
  a button that opens the notice (https://api.slack.com/messaging/webhooks; Block Kit:
  https://api.slack.com/reference/block-kit/blocks). `&`, `<` and `>` are escaped as Slack's
  mrkdwn asks.
- teams: a Microsoft Teams incoming webhook's (or Workflows trigger's) message with one Adaptive
  Card: `{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": {AdaptiveCard
  1.2}}]}`, with Action.OpenUrl, which incoming webhooks support (Microsoft's "Send Adaptive
  Cards using an incoming webhook", msteams-docs
  `webhooks-and-connectors/how-to/connectors-using.md`).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from registry import clock, labels
from registry.extensions import db
from registry.links import public_url
from registry.models import CustomerNotice, MessageKind, Objection, WebhookEndpoint, WebhookFormat
from registry.notices.records import notice_record

EVENT_TYPES = {
    MessageKind.CUSTOMER_NOTICE_ANNOUNCED: "notice.announced",
    MessageKind.CUSTOMER_NOTICE_REMINDER: "notice.reminder",
    MessageKind.CUSTOMER_NOTICE_WITHDRAWN: "notice.withdrawn",
    MessageKind.CUSTOMER_NOTICE_MOVED: "notice.moved",
    MessageKind.CUSTOMER_NOTICE_IN_EFFECT: "notice.in_effect",
    MessageKind.OBJECTION_OUTCOME: "objection.resolved",
    MessageKind.WEBHOOK_TEST: "webhook.test",
}
SLACK_HEADER_LENGTH = 150  # Block Kit: a header's text
SLACK_FIELDS = 10  # Block Kit: a section's fields


@dataclass(frozen=True)
class Event:
    """An event as every format tells it: its type, its facts (`data`), and for a chat a
    title, labelled facts and a link."""

    type: str
    data: dict
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (words, address)


def event(kind: MessageKind, subject_id: int) -> Event:
    """The event of `kind` about the outbox message's subject, in the current language.
    Raises LookupError when the subject no longer exists."""
    if kind is MessageKind.WEBHOOK_TEST:
        return _test_event(_get(WebhookEndpoint, subject_id))
    if kind is MessageKind.OBJECTION_OUTCOME:
        return _objection_event(_get(Objection, subject_id))
    return _notice_event(kind, _get(CustomerNotice, subject_id))


def payload(format: WebhookFormat, told: Event, at: str) -> dict:
    """What the endpoint is sent about `told`, which happened `at` (UTC ISO 8601)."""
    if format is WebhookFormat.SLACK:
        return slack(told)
    if format is WebhookFormat.TEAMS:
        return teams(told)
    return {"type": told.type, "timestamp": at, "data": told.data}


def slack(told: Event) -> dict:
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": told.title[:SLACK_HEADER_LENGTH]},
        }
    ]
    if told.facts:
        fields = [
            {"type": "mrkdwn", "text": f"*{_slack_text(label)}*\n{_slack_text(value)}"}
            for label, value in told.facts[:SLACK_FIELDS]
        ]
        blocks.append({"type": "section", "fields": fields})
    if told.link:
        words, address = told.link
        button = {"type": "button", "text": {"type": "plain_text", "text": words}, "url": address}
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": _slack_text(told.title), "blocks": blocks}


def teams(told: Event) -> dict:
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": [
            {
                "type": "TextBlock",
                "text": told.title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
        ],
    }
    if told.facts:
        facts = [{"title": label, "value": value} for label, value in told.facts]
        card["body"].append({"type": "FactSet", "facts": facts})
    if told.link:
        words, address = told.link
        card["actions"] = [{"type": "Action.OpenUrl", "title": words, "url": address}]
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "attachments": [attachment]}


def _notice_event(kind: MessageKind, record: CustomerNotice) -> Event:
    notice = notice_record(record.notice)
    title, deadline = notice["title"], clock.local_text(record.objection_deadline)
    titles = {
        MessageKind.CUSTOMER_NOTICE_ANNOUNCED: _("Announced: %(change)s", change=title),
        MessageKind.CUSTOMER_NOTICE_REMINDER: _(
            "Reminder, objections until %(deadline)s: %(change)s", deadline=deadline, change=title
        ),
        MessageKind.CUSTOMER_NOTICE_MOVED: _(
            "New dates, objections until %(deadline)s: %(change)s", deadline=deadline, change=title
        ),
        MessageKind.CUSTOMER_NOTICE_WITHDRAWN: _("Withdrawn: %(change)s", change=title),
        MessageKind.CUSTOMER_NOTICE_IN_EFFECT: _("In effect for you: %(change)s", change=title),
    }
    data = {"notice": _notice_data(notice), "customer": _customer_data(record)}
    facts = [
        (_("Customer"), f"{record.customer.organisation} ({record.customer.reference})"),
        (_("Your deadline for objections"), clock.local_and_utc(record.objection_deadline)),
        (_("Takes effect"), notice["takes_effect_at_local"]),
        (_("Where it stands for you"), str(labels.CUSTOMER_EFFECTS[record.effect])),
        *_transfer_facts(notice),
    ]
    if record.needs_approval:
        approval = (
            _("given on %(day)s", day=clock.local_text(record.approved_at))
            if record.approved_at
            else _("asked for")
        )
        facts.append((_("Your approval"), approval))
    if notice["withdrawal_reason"]:
        facts.append((_("Why it was withdrawn"), notice["withdrawal_reason"]))
    link = (_("Open the notice"), data["notice"]["url"])
    return Event(EVENT_TYPES[kind], data, titles[kind], facts, link)


def _objection_event(objection: Objection) -> Event:
    notice = notice_record(objection.notice)
    outcome = str(labels.OBJECTION_OUTCOMES[objection.outcome]) if objection.outcome else None
    data = {
        "objection": {
            "id": objection.id,
            "outcome": objection.outcome.value if objection.outcome else None,
            "outcome_name": outcome,
            "reason": objection.outcome_reason,
            "resolved_at": clock.utc_text(objection.resolved_at) if objection.resolved_at else None,
        },
        "notice": _notice_data(notice),
        "customer": {"reference": objection.customer.reference if objection.customer else None},
    }
    facts = [(_("Outcome"), outcome or "")]
    if objection.outcome_reason:
        facts.append((_("Reason"), objection.outcome_reason))
    title = _("Your objection is resolved: %(change)s", change=notice["title"])
    link = (_("Open the notice"), data["notice"]["url"])
    return Event(EVENT_TYPES[MessageKind.OBJECTION_OUTCOME], data, title, facts, link)


def _test_event(endpoint: WebhookEndpoint) -> Event:
    text = _(
        "A test event from the subprocessor register: this endpoint receives the notices of "
        "%(customer)s.",
        customer=endpoint.customer.organisation,
    )
    data = {
        "endpoint": {"id": endpoint.id, "description": endpoint.description},
        "customer": {"reference": endpoint.customer.reference},
        "text": text,
    }
    return Event(EVENT_TYPES[MessageKind.WEBHOOK_TEST], data, text)


def _notice_data(notice: dict) -> dict:
    """The notice's facts a customer decides on, instants in UTC."""
    return {
        "id": notice["id"],
        "url": public_url("public.change", notice_id=notice["id"]),
        "title": notice["title"],
        "kind": notice["kind"],
        "state": notice["state"],
        "subprocessor": notice["subprocessor"],
        "replaces": notice["replaces"],
        "changes": notice["changes"],
        "decision": notice["decision"],
        "announced_at": notice["announced_at"],
        "objection_deadline": notice["objection_deadline"],
        "takes_effect_at": notice["takes_effect_at"],
        "effective_at": notice["effective_at"],
        "withdrawn_at": notice["withdrawn_at"],
        "withdrawal_reason": notice["withdrawal_reason"],
        "announcement_hash": notice["proof"]["announcement_hash"],
    }


def _customer_data(record: CustomerNotice) -> dict:
    """The notice as it applies to the customer: its own deadline, approval and standing."""
    return {
        "reference": record.customer.reference,
        "objection_deadline": clock.utc_text(record.objection_deadline),
        "notice_days": record.notice_days,
        "needs_approval": record.needs_approval,
        "approved_at": clock.utc_text(record.approved_at) if record.approved_at else None,
        "effect": record.effect.value,
        "effect_since": clock.utc_text(record.effect_since) if record.effect_since else None,
        "object_url": public_url("public.object_to_change", notice_id=record.notice_id),
    }


def _transfer_facts(notice: dict) -> list[tuple[str, str]]:
    """The transfers out of the EEA the change starts, and their grounds, from the notice's
    decision record."""
    outside = (notice["decision"] or {}).get("outside_eea") or {}
    facts = []
    if outside.get("new_countries"):
        facts.append((_("New transfers out of the EEA"), ", ".join(outside["new_countries"])))
    if outside.get("new_grounds"):
        facts.append((_("Transfer grounds"), "; ".join(outside["new_grounds"])))
    return facts


def _slack_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _get(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        raise LookupError(f"{model.__tablename__} {row_id} no longer exists")
    return row
