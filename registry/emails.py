"""What each kind of email says. `compose` writes the message for one outbox row, in its
recipient's language, when the worker sends it; the links in it are signed and expire."""

from collections.abc import Callable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from registry import instants, mail, tokens
from registry.extensions import db
from registry.links import public_url
from registry.models import MessageKind, Objection
from registry.public.change_views import notice_record


def compose(
    kind: MessageKind, key: str, queued_at: datetime, subject_id: int, recipient: str,
    language: str,
) -> mail.Envelope:  # fmt: skip
    with force_locale(language):
        content = COMPOSERS[kind](subject_id, language)
    return mail.envelope(content, key, queued_at, recipient, language)


def objection_confirmation(objection_id: int, language: str) -> mail.Content:
    objection = _objection(objection_id)
    notice = notice_record(objection.notice)
    token = tokens.sign(tokens.Purpose.CONFIRM_OBJECTION, objection.id)
    text, html = mail.render(
        "objection_confirmation",
        objection=objection,
        notice=notice,
        notice_url=public_url("public.change", notice_id=notice["id"], lang=language),
        confirm_url=public_url("public.confirm_objection", token=token, lang=language),
        valid_until=instants.local_text(
            objection.submitted_at + tokens.Purpose.CONFIRM_OBJECTION.lifetime
        ),
    )
    subject = _("Confirm your objection: %(change)s",
                change=f"{notice['kind_name']}: {notice['subprocessor']['name']}")  # fmt: skip
    return mail.Content(subject, text, html)


def objection_acknowledgement(objection_id: int, language: str) -> mail.Content:
    objection = _objection(objection_id)
    notice = notice_record(objection.notice)
    token = tokens.sign(tokens.Purpose.OBJECTION_STATE, objection.id)
    text, html = mail.render(
        "objection_acknowledgement",
        objection=objection,
        notice=notice,
        notice_url=public_url("public.change", notice_id=notice["id"], lang=language),
        confirmed_at=instants.local_text(objection.confirmed_at),
        state_url=public_url("public.objection_state", token=token, lang=language),
    )
    subject = _("Your objection is recorded: %(change)s",
                change=f"{notice['kind_name']}: {notice['subprocessor']['name']}")  # fmt: skip
    return mail.Content(subject, text, html)


def _objection(objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        raise LookupError(f"objection {objection_id} no longer exists")
    return objection


COMPOSERS: dict[MessageKind, Callable[[int, str], mail.Content]] = {
    MessageKind.OBJECTION_CONFIRMATION: objection_confirmation,
    MessageKind.OBJECTION_ACKNOWLEDGEMENT: objection_acknowledgement,
}
