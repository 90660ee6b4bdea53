"""What each kind of email says, and the links in it.

A writer renders a message for one subject (an objection, a subscriber, a notice) in one
language, with markers where the per-recipient links go; `Composer` keeps each rendering for
the worker's round and fills in the links for each recipient. The links are signed and expire;
`Links` builds each address once per round, with a placeholder where the token goes.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes, want_bytes

from registry import clock, labels, tokens
from registry.customers import webhooks
from registry.extensions import db
from registry.links import public_url
from registry.models import (
    CUSTOMER_NOTICE_KINDS,
    ChangeNotice,
    CustomerContact,
    CustomerNotice,
    MessageKind,
    Objection,
    ObjectionOutcome,
    Subscriber,
    WebhookEndpoint,
)
from registry.notices.records import change_title, notice_record
from registry.outbox.channels import Outgoing
from registry.outbox.channels.email import wire


@dataclass(frozen=True)
class Written:
    """A rendered message, the markers it carries and the headers it adds."""

    content: wire.Content
    markers: tuple[str, ...] = ()
    headers: dict[str, str] | None = None


class Signer:
    """Signs tokens for one purpose as `tokens.sign` does, to the byte, with the key derived
    once: `tokens.sign` derives it again for each token, which at two links a message to ten
    thousand subscribers was half of composing them (profiled under `make bench`, December
    2026; timed alone, 38 µs a token, 21 µs here). `tokens.read` reads both alike."""

    def __init__(self, purpose: tokens.Purpose) -> None:
        self._serializer = URLSafeTimedSerializer(
            current_app.config["SECRET_KEY"], salt=purpose.salt
        )
        signer = self._serializer.make_signer()
        self._key = signer.derive_key()
        self._algorithm = signer.algorithm

    def sign(self, value: int | str | list) -> str:
        # As TimestampSigner.sign, stamped by the registry's clock as tokens' own signer is.
        stamp = base64_encode(int_to_bytes(int(clock.now().timestamp())))
        stamped = want_bytes(self._serializer.dump_payload(value)) + b"." + stamp
        signature = base64_encode(self._algorithm.get_signature(self._key, stamped))
        return (stamped + b"." + signature).decode("ascii")


class Links:
    """The signed links of one worker round. A page's address is built once per (endpoint,
    notice, language) with a placeholder for the token, which is then put in by replacing
    text: a token is URL-safe (letters, digits, "-", "_", "."), so building the address with it
    would give the same text."""

    PLACEHOLDER = "signed0token0placeholder"

    def __init__(self) -> None:
        self._addresses: dict[tuple, str] = {}
        self._signers: dict[tokens.Purpose, Signer] = {}

    def url(
        self,
        endpoint: str,
        purpose: tokens.Purpose,
        signed: int | list,
        token_argument: str = "token",
        **values,
    ) -> str:
        """The address of `endpoint` with `signed` signed for `purpose` in `token_argument`."""
        key = (endpoint, token_argument, *values.items())
        address = self._addresses.get(key)
        if address is None:
            address = public_url(endpoint, **{token_argument: self.PLACEHOLDER}, **values)
            self._addresses[key] = address
        signer = self._signers.get(purpose)
        if signer is None:
            signer = self._signers[purpose] = Signer(purpose)
        return address.replace(self.PLACEHOLDER, signer.sign(signed), 1)


class Composer:
    """Writes the messages of one worker round; each (kind, subject, language) is rendered
    once, however many recipients it has."""

    def __init__(self) -> None:
        self._templates: dict[tuple, wire.Template] = {}
        self._links = Links()

    def compose(self, message: Outgoing) -> wire.Envelope:
        key = (message.kind, message.subject_id, message.language)
        template = self._templates.get(key)
        if template is None:
            with force_locale(message.language):
                written = WRITERS[message.kind](message.subject_id, message.language)
            template = wire.Template(
                written.content, message.language, written.markers, written.headers
            )
            self._templates[key] = template
        values = LINKS[message.kind](message, self._links) if message.kind in LINKS else {}
        return template.fill(
            message.recipient, template.message_id(message.key, message.queued_at), values
        )


def objection_confirmation(objection_id: int, language: str) -> Written:
    objection = _get(Objection, objection_id)
    notice = notice_record(objection.notice)
    text, html = wire.render(
        "objection_confirmation",
        objection=objection,
        notice=notice,
        notice_url=public_url("public.change", notice_id=notice["id"], lang=language),
        confirm_url="%%CONFIRM_URL%%",
        valid_until=clock.local_text(clock.now() + tokens.Purpose.CONFIRM_OBJECTION.lifetime),
    )
    subject = _("Confirm your objection: %(change)s", change=change_title(notice))
    return Written(wire.Content(subject, text, html), ("CONFIRM_URL",))


def objection_acknowledgement(objection_id: int, language: str) -> Written:
    objection = _get(Objection, objection_id)
    notice = notice_record(objection.notice)
    text, html = wire.render(
        "objection_acknowledgement",
        objection=objection,
        notice=notice,
        notice_url=public_url("public.change", notice_id=notice["id"], lang=language),
        confirmed_at=clock.local_text(objection.confirmed_at),
        state_url="%%STATE_URL%%",
    )
    subject = _("Your objection is recorded: %(change)s", change=change_title(notice))
    return Written(wire.Content(subject, text, html), ("STATE_URL",))


def objection_outcome(objection_id: int, language: str) -> Written:
    objection = _get(Objection, objection_id)
    notice = notice_record(objection.notice)
    text, html = wire.render(
        "objection_outcome",
        objection=objection,
        notice=notice,
        outcome=labels.OBJECTION_OUTCOMES[objection.outcome],
        consequence=_consequence(objection),
        state_url="%%STATE_URL%%",
    )
    subject = _("Your objection is resolved: %(change)s", change=change_title(notice))
    return Written(wire.Content(subject, text, html), ("STATE_URL",))


def _consequence(objection: Objection) -> str | None:
    """What the outcome means for the customer's data, in a sentence."""
    subprocessor = objection.notice.subprocessor.name
    if objection.outcome is ObjectionOutcome.DATA_EXCLUDED:
        return _(
            "%(subprocessor)s will not process your data as this change proposes.",
            subprocessor=subprocessor,
        )
    if objection.outcome in (ObjectionOutcome.OBJECTION_WITHDRAWN, ObjectionOutcome.REJECTED):
        return _(
            "The change applies to your data as announced, once it is in effect and any "
            "approval it needs from you is given."
        )
    if objection.outcome is ObjectionOutcome.CHANGE_WITHDRAWN:
        return _("The change will not be made.")
    return None


def subscription_confirmation(subscriber_id: int, language: str) -> Written:
    subscriber = _get(Subscriber, subscriber_id)
    text, html = wire.render(
        "subscription_confirmation",
        services=[service.label(language) for service in subscriber.services],
        confirm_url="%%CONFIRM_URL%%",
        valid_until=clock.local_text(clock.now() + tokens.Purpose.CONFIRM_SUBSCRIPTION.lifetime),
    )
    subject = _(
        "Confirm your subscription to the changes of %(organisation)s",
        organisation=wire.organisation(),
    )
    return Written(wire.Content(subject, text, html), ("CONFIRM_URL",))


def customer_view_link(contact_id: int, language: str) -> Written:
    contact = _get(CustomerContact, contact_id)
    text, html = wire.render(
        "customer_view_link",
        contact=contact,
        customer=contact.customer,
        view_url="%%VIEW_URL%%",
        valid_until=clock.local_text(clock.now() + tokens.Purpose.CUSTOMER_VIEW.lifetime),
    )
    subject = _(
        "Your link to the subprocessors of %(organisation)s for %(customer)s",
        organisation=wire.organisation(),
        customer=contact.customer.organisation,
    )
    return Written(wire.Content(subject, text, html), ("VIEW_URL",))


def webhook_disabled(endpoint_id: int, language: str) -> Written:
    endpoint = _get(WebhookEndpoint, endpoint_id)
    text, html = wire.render(
        "webhook_disabled",
        endpoint=endpoint,
        customer=endpoint.customer,
        address=webhooks.display_address(endpoint),
        disabled_at=clock.local_text(endpoint.disabled_at or clock.now()),
        view_url="%%VIEW_URL%%",
    )
    subject = _(
        "Your webhook endpoint is disabled: %(customer)s", customer=endpoint.customer.organisation
    )
    return Written(wire.Content(subject, text, html), ("VIEW_URL",))


def notice_email(kind: MessageKind):
    """The writer of one kind of notice email: announced, reminder or withdrawn."""

    def write(notice_id: int, language: str) -> Written:
        notice = notice_record(_get(ChangeNotice, notice_id))
        text, html = wire.render(
            "notice",
            kind=kind.value,
            notice=notice,
            notice_url=public_url("public.change", notice_id=notice_id, lang=language),
            object_url="%%OBJECT_URL%%",
            unsubscribe_url="%%UNSUBSCRIBE_URL%%",
        )
        subjects = {
            MessageKind.NOTICE_ANNOUNCED: _("Announced: %(change)s", change=change_title(notice)),
            MessageKind.NOTICE_REMINDER: _(
                "Reminder, objections until %(deadline)s: %(change)s",
                deadline=notice["objection_deadline_local"],
                change=change_title(notice),
            ),
            MessageKind.NOTICE_WITHDRAWN: _("Withdrawn: %(change)s", change=change_title(notice)),
        }
        headers = {
            "List-Unsubscribe": "<%%UNSUBSCRIBE_URL%%>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        content = wire.Content(subjects[kind], text, html)
        return Written(content, ("OBJECT_URL", "UNSUBSCRIBE_URL"), headers)

    return write


def customer_notice_email(kind: MessageKind):
    """The writer of one kind of email to a customer's contacts about a notice as it applies
    to that customer (its deadline, its approval): announced, reminder, moved or withdrawn."""

    def write(record_id: int, language: str) -> Written:
        record = _get(CustomerNotice, record_id)
        notice = notice_record(record.notice)
        deadline = clock.local_and_utc(record.objection_deadline)
        text, html = wire.render(
            "customer_notice",
            kind=kind.value,
            notice=notice,
            record=record,
            customer=record.customer,
            deadline_local=deadline,
            approved_local=clock.local_text(record.approved_at) if record.approved_at else None,
            notice_url=public_url("public.change", notice_id=record.notice_id, lang=language),
            object_url="%%OBJECT_URL%%",
            view_url="%%VIEW_URL%%",
        )
        title = change_title(notice)
        asks_approval = record.needs_approval and record.approved_at is None
        subjects = {
            MessageKind.CUSTOMER_NOTICE_ANNOUNCED: (
                _("Your approval is asked: %(change)s", change=title)
                if asks_approval
                else _("Announced: %(change)s", change=title)
            ),
            MessageKind.CUSTOMER_NOTICE_REMINDER: _(
                "Reminder, objections until %(deadline)s: %(change)s",
                deadline=clock.local_text(record.objection_deadline),
                change=title,
            ),
            MessageKind.CUSTOMER_NOTICE_MOVED: _(
                "New dates, objections until %(deadline)s: %(change)s",
                deadline=clock.local_text(record.objection_deadline),
                change=title,
            ),
            MessageKind.CUSTOMER_NOTICE_WITHDRAWN: _("Withdrawn: %(change)s", change=title),
        }
        content = wire.Content(subjects[kind], text, html)
        return Written(content, ("OBJECT_URL", "VIEW_URL"))

    return write


WRITERS: dict[MessageKind, Callable[[int, str], Written]] = {
    MessageKind.OBJECTION_CONFIRMATION: objection_confirmation,
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: objection_acknowledgement,
    MessageKind.SUBSCRIPTION_CONFIRMATION: subscription_confirmation,
    MessageKind.OBJECTION_OUTCOME: objection_outcome,
    MessageKind.NOTICE_ANNOUNCED: notice_email(MessageKind.NOTICE_ANNOUNCED),
    MessageKind.NOTICE_REMINDER: notice_email(MessageKind.NOTICE_REMINDER),
    MessageKind.NOTICE_WITHDRAWN: notice_email(MessageKind.NOTICE_WITHDRAWN),
    **{kind: customer_notice_email(kind) for kind in CUSTOMER_NOTICE_KINDS},
    MessageKind.CUSTOMER_VIEW_LINK: customer_view_link,
    MessageKind.WEBHOOK_DISABLED: webhook_disabled,
}


def _notice_links(message: Outgoing, links: Links) -> dict[str, str]:
    return {
        "OBJECT_URL": links.url(
            "public.object_to_change",
            tokens.Purpose.SUBSCRIBER_OBJECTION,
            [message.subscriber_id, message.subject_id],
            token_argument="subscriber",
            notice_id=message.subject_id,
            lang=message.language,
        ),
        "UNSUBSCRIBE_URL": links.url(
            "public.unsubscribe",
            tokens.Purpose.UNSUBSCRIBE,
            message.subscriber_id,
            lang=message.language,
        ),
    }


def _customer_notice_links(message: Outgoing, links: Links) -> dict[str, str]:
    """A customer's contact objects with its address and reference known, and opens the
    customer's own view, where it also approves."""
    notice_id = db.session.scalar(
        sa.select(CustomerNotice.notice_id).where(CustomerNotice.id == message.subject_id)
    )
    return {
        "OBJECT_URL": links.url(
            "public.object_to_change",
            tokens.Purpose.CUSTOMER_OBJECTION,
            [message.contact_id, notice_id],
            token_argument="contact",
            notice_id=notice_id,
            lang=message.language,
        ),
        "VIEW_URL": links.url(
            "public.customer_view",
            tokens.Purpose.CUSTOMER_VIEW,
            message.contact_id,
            lang=message.language,
        ),
    }


def _objection_state_link(message: Outgoing, links: Links) -> dict[str, str]:
    return {
        "STATE_URL": links.url(
            "public.objection_state",
            tokens.Purpose.OBJECTION_STATE,
            message.subject_id,
            lang=message.language,
        )
    }


# The per-recipient links of each kind of message.
LINKS: dict[MessageKind, Callable[[Outgoing, Links], dict[str, str]]] = {
    MessageKind.OBJECTION_CONFIRMATION: lambda m, links: {
        "CONFIRM_URL": links.url(
            "public.confirm_objection",
            tokens.Purpose.CONFIRM_OBJECTION,
            m.subject_id,
            lang=m.language,
        )
    },
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: _objection_state_link,
    MessageKind.OBJECTION_OUTCOME: _objection_state_link,
    MessageKind.SUBSCRIPTION_CONFIRMATION: lambda m, links: {
        "CONFIRM_URL": links.url(
            "public.confirm_subscription",
            tokens.Purpose.CONFIRM_SUBSCRIPTION,
            m.subject_id,
            lang=m.language,
        )
    },
    MessageKind.NOTICE_ANNOUNCED: _notice_links,
    MessageKind.NOTICE_REMINDER: _notice_links,
    MessageKind.NOTICE_WITHDRAWN: _notice_links,
    **{kind: _customer_notice_links for kind in CUSTOMER_NOTICE_KINDS},
    MessageKind.CUSTOMER_VIEW_LINK: lambda m, links: {
        "VIEW_URL": links.url(
            "public.customer_view", tokens.Purpose.CUSTOMER_VIEW, m.subject_id, lang=m.language
        )
    },
    # The contact's own link to its customer's view, where it enables the endpoint again.
    MessageKind.WEBHOOK_DISABLED: lambda m, links: {
        "VIEW_URL": links.url(
            "public.customer_view", tokens.Purpose.CUSTOMER_VIEW, m.contact_id, lang=m.language
        )
    },
}


def _get(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        raise LookupError(f"{model.__tablename__} {row_id} no longer exists")
    return row
