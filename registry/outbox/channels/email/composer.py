"""What each kind of email says, and the links in it.

A writer renders a message for one subject (an objection, a subscriber, a notice) in one
language, with markers where the per-recipient links go; `Composer` keeps each rendering for
the worker's round and fills in the links for each recipient. The links are signed and expire;
`Links` builds each address once per round, with a placeholder where the token goes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from registry import clock, labels, tokens
from registry.extensions import db
from registry.links import public_url
from registry.models import ChangeNotice, MessageKind, Objection, ObjectionOutcome, Subscriber
from registry.notices.records import change_title, notice_record
from registry.outbox.channels import Outgoing
from registry.outbox.channels.email import wire


@dataclass(frozen=True)
class Written:
    """A rendered message, the markers it carries and the headers it adds."""

    content: wire.Content
    markers: tuple[str, ...] = ()
    headers: dict[str, str] | None = None


class Links:
    """The signed links of one worker round. A page's address is built once per (endpoint,
    notice, language) with a placeholder for the token, which is then put in by replacing
    text: a token is URL-safe (letters, digits, "-", "_", "."), so building the address with it
    would give the same text."""

    PLACEHOLDER = "signed0token0placeholder"

    def __init__(self) -> None:
        self._addresses: dict[tuple, str] = {}

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
        return address.replace(self.PLACEHOLDER, tokens.sign(purpose, signed), 1)


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


WRITERS: dict[MessageKind, Callable[[int, str], Written]] = {
    MessageKind.OBJECTION_CONFIRMATION: objection_confirmation,
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: objection_acknowledgement,
    MessageKind.SUBSCRIPTION_CONFIRMATION: subscription_confirmation,
    MessageKind.OBJECTION_OUTCOME: objection_outcome,
    MessageKind.NOTICE_ANNOUNCED: notice_email(MessageKind.NOTICE_ANNOUNCED),
    MessageKind.NOTICE_REMINDER: notice_email(MessageKind.NOTICE_REMINDER),
    MessageKind.NOTICE_WITHDRAWN: notice_email(MessageKind.NOTICE_WITHDRAWN),
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
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: lambda m, links: {
        "STATE_URL": links.url(
            "public.objection_state", tokens.Purpose.OBJECTION_STATE, m.subject_id, lang=m.language
        )
    },
    MessageKind.OBJECTION_OUTCOME: lambda m, links: {
        "STATE_URL": links.url(
            "public.objection_state", tokens.Purpose.OBJECTION_STATE, m.subject_id, lang=m.language
        )
    },
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
}


def _get(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        raise LookupError(f"{model.__tablename__} {row_id} no longer exists")
    return row
