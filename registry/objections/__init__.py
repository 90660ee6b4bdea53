"""Objections to announced changes: submitted, confirmed by email, then triaged by legal.

An objection is accepted only while the notice's window is open (before the objection
deadline) and counts once its contact address is confirmed through the signed, expiring link
emailed to it. The same address objecting again for the same customer is the same objection:
nothing new is stored, and at most MAX_CONFIRMATION_EMAILS confirmation emails go out. Since
anyone may type an address, a pending objection's wording changes only on the confirmation
page, which only the address's owner reaches. Every step is on the audit trail, in the same
transaction as the write.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, clock, labels, outbox
from registry.accounts import AccountError, normalised_email
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    ChangeNotice,
    MessageKind,
    NoticeState,
    Objection,
    ObjectionOutcome,
    ObjectionState,
)
from registry.notices.kinds import kind_of

MAX_CONFIRMATION_EMAILS = 3
RESEND_AFTER = timedelta(minutes=10)
DAILY_LIMIT = 10

# Which state may follow which, for the legal team's triage.
NEXT_STATES = {
    ObjectionState.OPEN: {ObjectionState.IN_DISCUSSION, ObjectionState.RESOLVED},
    ObjectionState.IN_DISCUSSION: {ObjectionState.RESOLVED},
}


class ObjectionError(DomainError):
    """The objection cannot be taken or moved as asked; the message says why."""


class WindowClosed(ObjectionError):
    """The notice no longer takes objections."""


@dataclass(frozen=True)
class ObjectionValues:
    organisation: str
    customer_reference: str
    contact_name: str
    contact_email: str
    grounds: str


def submit(
    notice: ChangeNotice, values: ObjectionValues, language: str, known_address: bool = False
) -> Objection:
    """Take an objection to `notice`, or find the one already taken, and queue the email that
    confirms its address; with `known_address` (the link in a notice email proved it) the
    objection counts at once. Submitting again before confirming changes nothing stored (only
    the confirmation page, reached from the address's mailbox, changes the wording) but may
    send the confirmation email again.
    Raises WindowClosed after the deadline, ObjectionError for a bad address. The caller
    commits."""
    ensure_open(notice)
    try:
        email = normalised_email(values.contact_email)
    except AccountError as error:
        raise ObjectionError(str(error)) from None
    reference = values.customer_reference.strip()
    objection = db.session.scalar(
        sa.select(Objection).where(
            Objection.notice_id == notice.id,
            Objection.contact_email == email,
            Objection.customer_reference == reference,
        )
    )
    if objection is not None and objection.state is not ObjectionState.UNCONFIRMED:
        return objection  # already counted: nothing changes, nothing is sent
    if objection is None:
        objection = Objection(
            notice=notice,
            state=ObjectionState.UNCONFIRMED,
            customer_reference=reference,
            contact_email=email,
            submitted_at=clock.now(),
            confirmation_requests=0,
        )
        db.session.add(objection)
        _reword(objection, values)
        objection.language = language
        before, action = None, "objection.submitted"
    elif known_address:
        # The notice email's link proved the address: its owner may reword at once.
        before, action = objection_snapshot(objection), "objection.resubmitted"
        _reword(objection, values)
        objection.language = language
    else:
        # Anyone may type this address and reference: what is stored changes only through the
        # confirmation link, which only the address's owner reads. Another email may go.
        before, action = objection_snapshot(objection), "objection.resubmitted"
    with db.session.no_autoflush:
        send = not known_address and _may_send_confirmation(objection)
    if send:
        objection.confirmation_requests += 1
        db.session.flush()
        _queue_confirmation(objection)
    db.session.flush()
    if before is None or send or known_address:
        audit.record(
            email,
            action,
            "objection",
            objection.id,
            before=before,
            after=objection_snapshot(objection),
        )
    if known_address:
        confirm(objection)
    return objection


def confirm(objection: Objection, revised: ObjectionValues | None = None) -> bool:
    """Count the objection: its contact has confirmed the address, with the wording `revised`
    on the confirmation page if given. Queues the acknowledgement. Confirming twice changes
    nothing; True if this call confirmed it. The caller commits.

    The objection was made when it was submitted, so a confirmation that arrives after the
    deadline, within the link's lifetime, still counts it."""
    db.session.refresh(objection, with_for_update=True)
    if objection.state is not ObjectionState.UNCONFIRMED:
        return False
    if objection.notice.state is NoticeState.WITHDRAWN:
        raise ObjectionError(_("This change was withdrawn; there is nothing to object to."))
    before = objection_snapshot(objection)
    if revised is not None:
        _reword(objection, revised)
    objection.state = ObjectionState.OPEN
    objection.confirmed_at = clock.now()
    key = f"objection_acknowledgement:{objection.id}"
    outbox.enqueue(
        MessageKind.OBJECTION_ACKNOWLEDGEMENT,
        key,
        objection.contact_email,
        objection.language,
        objection.id,
    )
    audit.record(
        objection.contact_email,
        "objection.confirmed",
        "objection",
        objection.id,
        before=before,
        after=objection_snapshot(objection),
    )
    return True


def triage(
    objection: Objection,
    actor: str,
    state: ObjectionState,
    outcome: ObjectionOutcome | None = None,
    note: str | None = None,
) -> None:
    """Move a confirmed objection on: open → in discussion → resolved, a resolution naming its
    outcome. The note is the legal team's own. Raises ObjectionError. The caller commits."""
    db.session.refresh(objection, with_for_update=True)
    if state not in NEXT_STATES.get(objection.state, set()):
        raise ObjectionError(
            _(
                "An objection in the state “%(now)s” cannot move to “%(next)s”.",
                now=labels.OBJECTION_STATES[objection.state],
                next=labels.OBJECTION_STATES[state],
            )
        )
    if (state is ObjectionState.RESOLVED) != (outcome is not None):
        raise ObjectionError(_("A resolved objection names its outcome, and only then."))
    before = objection_snapshot(objection)
    objection.state = state
    objection.outcome = outcome
    if state is ObjectionState.RESOLVED:
        objection.resolved_at = clock.now()
    if (note or "").strip():
        objection.note = note.strip()
    audit.record(
        actor,
        "objection.triaged",
        "objection",
        objection.id,
        before=before,
        after=objection_snapshot(objection),
    )


def ensure_open(notice: ChangeNotice) -> None:
    """Raise WindowClosed unless `notice` takes objections now, with the reason and deadline."""
    if notice.state is NoticeState.WITHDRAWN:
        raise WindowClosed(_("This change was withdrawn; there is nothing to object to."))
    if not kind_of(notice).takes_objections:
        raise WindowClosed(
            _(
                "This was an editorial correction, published without a notice "
                "window: it changes nothing to object to."
            )
        )
    if notice.state is NoticeState.EFFECTIVE:
        raise WindowClosed(
            _(
                "This change took effect on %(effective)s; its objection window closed on "
                "%(deadline)s. Write to %(dpo)s about any concern.",
                effective=clock.local_and_utc(notice.effective_at),
                deadline=clock.local_and_utc(notice.objection_deadline),
                dpo=current_app.config["DPO_EMAIL"],
            )
        )
    if clock.now() >= notice.objection_deadline:
        raise WindowClosed(
            _(
                "The objection window for this change closed on %(deadline)s. Objections to it "
                "can no longer be taken; write to %(dpo)s about any concern.",
                deadline=clock.local_and_utc(notice.objection_deadline),
                dpo=current_app.config["DPO_EMAIL"],
            )
        )


def awaiting_confirmation_beside(objection: Objection) -> list[Objection]:
    """The other objections to the same notice from the same address that still await
    confirmation: whoever reads that mailbox may confirm any of them, including one whose own
    email was not sent because the address had had enough for the day."""
    return list(
        db.session.scalars(
            sa.select(Objection)
            .where(
                Objection.notice_id == objection.notice_id,
                Objection.contact_email == objection.contact_email,
                Objection.state == ObjectionState.UNCONFIRMED,
                Objection.id != objection.id,
            )
            .order_by(Objection.submitted_at, Objection.id)
        )
    )


def objection_snapshot(objection: Objection) -> dict:
    """What the trail keeps of an objection."""
    return {
        "notice": objection.notice_id,
        "state": objection.state.value,
        "organisation": objection.organisation,
        "customer_reference": objection.customer_reference,
        "contact_name": objection.contact_name,
        "contact_email": objection.contact_email,
        "grounds": objection.grounds,
        "submitted_at": objection.submitted_at.isoformat(),
        "confirmed_at": objection.confirmed_at.isoformat() if objection.confirmed_at else None,
        "outcome": objection.outcome.value if objection.outcome else None,
        "note": objection.note,
    }


def _reword(objection: Objection, values: ObjectionValues) -> None:
    objection.organisation = values.organisation.strip()
    objection.contact_name = values.contact_name.strip()
    objection.grounds = values.grounds.strip()


def _may_send_confirmation(objection: Objection) -> bool:
    """Whether another confirmation email may go out: at most MAX_CONFIRMATION_EMAILS per
    objection, RESEND_AFTER apart (a double click sends one), and DAILY_LIMIT a day to one
    address whatever the objection (the form cannot be used to flood a mailbox)."""
    if objection.confirmation_requests >= MAX_CONFIRMATION_EMAILS:
        return False
    now, kind = clock.now(), MessageKind.OBJECTION_CONFIRMATION
    if objection.id is not None and outbox.queued_since(
        kind, now - RESEND_AFTER, subject_id=objection.id
    ):
        return False
    today = outbox.queued_since(kind, now - timedelta(days=1), recipient=objection.contact_email)
    return today < DAILY_LIMIT


def _queue_confirmation(objection: Objection) -> None:
    key = f"objection_confirmation:{objection.id}:{objection.confirmation_requests}"
    outbox.enqueue(
        MessageKind.OBJECTION_CONFIRMATION,
        key,
        objection.contact_email,
        objection.language,
        objection.id,
    )
