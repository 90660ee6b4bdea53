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

from registry import audit, clock, customers, labels, outbox
from registry.accounts import AccountError, normalised_email
from registry.customers import notices as customer_notices
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    ChangeNotice,
    CustomerContact,
    CustomerEffect,
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

# What an outcome makes of the change for the objecting customer (None: as if it had not
# objected: in effect, unless its approval is still awaited).
OUTCOME_EFFECTS = {
    ObjectionOutcome.DATA_EXCLUDED: CustomerEffect.EXCLUDED,
    ObjectionOutcome.CONTRACT_ENDED: CustomerEffect.CONTRACT_ENDED,
    ObjectionOutcome.CONTRACT_ENDED_BY_US: CustomerEffect.CONTRACT_ENDED,
    ObjectionOutcome.OBJECTION_WITHDRAWN: None,
    ObjectionOutcome.REJECTED: None,
}

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
    notice: ChangeNotice,
    values: ObjectionValues,
    language: str,
    known_address: bool = False,
    contact: CustomerContact | None = None,
) -> Objection:
    """Take an objection to `notice`, or find the one already taken, and queue the email that
    confirms its address; with `known_address` (the link in a notice email proved it) the
    objection counts at once. Submitting again before confirming changes nothing stored (only
    the confirmation page, reached from the address's mailbox, changes the wording) but may
    send the confirmation email again.

    The objection binds a customer: the one whose `contact` followed the signed link in its
    notice (the address and reference are then the contact's), or the one whose reference it
    gives with the address of one of its registered contacts. A customer's own deadline
    applies to it.
    Raises WindowClosed after the deadline, ObjectionError for a bad address. The caller
    commits."""
    if contact is not None:
        values = ObjectionValues(
            organisation=values.organisation,
            customer_reference=contact.customer.reference,
            contact_name=values.contact_name,
            contact_email=contact.email,
            grounds=values.grounds,
        )
    else:
        contact = customers.contact_for(values.customer_reference, values.contact_email)
    ensure_open(notice, contact.customer_id if contact else None)
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
            customer_id=contact.customer_id if contact else None,
            contact_id=contact.id if contact else None,
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
            _who(objection),
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
    record = customer_notices.record_for(objection.notice_id, objection.customer_id)
    if record is not None:
        customer_notices.hold(record)
    audit.record(
        _who(objection),
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
    reason: str | None = None,
) -> None:
    """Move a confirmed objection on: open → in discussion → resolved, a resolution naming its
    outcome, which is emailed to the objector with `reason` (required for a rejection). The
    note is the legal team's own. For a customer's objection the outcome settles where the
    change stands for it: its data excluded, its contract ended, or, once the objection is
    withdrawn or rejected, in effect as for the others. Raises ObjectionError. The caller
    commits."""
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
    reason = (reason or "").strip() or None
    if outcome is ObjectionOutcome.CHANGE_WITHDRAWN:
        raise ObjectionError(
            _(
                "Withdraw the change itself, with its public reason: its open objections are "
                "then resolved as withdrawn and the objectors told."
            ),
            field="outcome",
        )
    if outcome is ObjectionOutcome.REJECTED and reason is None:
        raise ObjectionError(
            _("Say why the objection is not legitimate: the customer is told."), field="reason"
        )
    if reason is not None and outcome is None:
        raise ObjectionError(
            _("The reason goes with the outcome, when the objection is resolved."),
            field="reason",
        )
    before = objection_snapshot(objection)
    objection.state = state
    if (note or "").strip():
        objection.note = note.strip()
    if outcome is not None:
        _resolve(objection, outcome, reason)
    audit.record(
        actor,
        "objection.triaged",
        "objection",
        objection.id,
        before=before,
        after=objection_snapshot(objection),
    )


def close_for_withdrawn(notice: ChangeNotice, actor: str) -> None:
    """The change was withdrawn: each of its objections still open is resolved so, and its
    objector told. The caller commits."""
    still_open = db.session.scalars(
        sa.select(Objection)
        .where(Objection.notice_id == notice.id, Objection.state.in_(customer_notices.OPEN_STATES))
        .order_by(Objection.id)
        .with_for_update()
    ).all()
    for objection in still_open:
        before = objection_snapshot(objection)
        objection.state = ObjectionState.RESOLVED
        _resolve(objection, ObjectionOutcome.CHANGE_WITHDRAWN, None)
        audit.record(
            actor,
            "objection.triaged",
            "objection",
            objection.id,
            before=before,
            after=objection_snapshot(objection),
        )


def open_for_customer(notice_id: int, customer_id: int) -> list[Objection]:
    """The customer's objections to the notice that are open: while any is, the change is held
    for it."""
    return list(
        db.session.scalars(
            sa.select(Objection)
            .where(
                Objection.notice_id == notice_id,
                Objection.customer_id == customer_id,
                Objection.state.in_(customer_notices.OPEN_STATES),
            )
            .order_by(Objection.id)
        )
    )


def _resolve(objection: Objection, outcome: ObjectionOutcome, reason: str | None) -> None:
    """Record the outcome, settle where the change stands for the customer, and queue the
    email that tells the objector."""
    objection.outcome = outcome
    objection.outcome_reason = reason
    objection.resolved_at = clock.now()
    db.session.flush()
    record = customer_notices.record_for(objection.notice_id, objection.customer_id)
    if outcome in (ObjectionOutcome.CONTRACT_ENDED, ObjectionOutcome.CONTRACT_ENDED_BY_US):
        if objection.customer is not None and objection.customer.contract_ended_on is None:
            objection.customer.contract_ended_on = clock.today()
    if record is not None and outcome in OUTCOME_EFFECTS:
        customer_notices.settle(record, OUTCOME_EFFECTS[outcome])
    outbox.enqueue(
        MessageKind.OBJECTION_OUTCOME,
        f"objection_outcome:{objection.id}",
        objection.contact_email,
        objection.language,
        objection.id,
        contact_id=objection.contact_id,
    )
    if objection.customer_id is not None:  # its webhook endpoints hear of the outcome too
        kind = MessageKind.OBJECTION_OUTCOME
        event = sa.select(
            sa.literal(f"{kind.value}:{objection.id}").label("key"),
            sa.literal(objection.customer_id).label("customer_id"),
            sa.literal(objection.id).label("subject_id"),
        )
        outbox.tell_customers(kind, event)


def ensure_open(notice: ChangeNotice, customer_id: int | None = None) -> None:
    """Raise WindowClosed unless `notice` takes objections now, with the reason and deadline:
    the customer's own deadline for a customer it concerns, else the public one."""
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
    record = customer_notices.record_for(notice.id, customer_id)
    deadline = record.objection_deadline if record is not None else notice.objection_deadline
    if clock.now() >= deadline:
        raise WindowClosed(
            _(
                "The objection window for this change closed on %(deadline)s. Objections to it "
                "can no longer be taken; write to %(dpo)s about any concern.",
                deadline=clock.local_and_utc(deadline),
                dpo=current_app.config["DPO_EMAIL"],
            )
        )


def open_to_a_customer(notice: ChangeNotice) -> bool:
    """Whether some customer the announced notice concerns still has time to object, its
    contract giving it a later deadline than the public one."""
    if notice.state is not NoticeState.ANNOUNCED:
        return False
    return any(clock.now() < deadline for deadline in customer_notices.open_deadlines(notice.id))


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
        # A customer's registered contact is known to the trail by its pseudonym only.
        "contact_name": None if objection.contact_id else objection.contact_name,
        "contact_email": _who(objection),
        "grounds": objection.grounds,
        "submitted_at": objection.submitted_at.isoformat(),
        "confirmed_at": objection.confirmed_at.isoformat() if objection.confirmed_at else None,
        "outcome": objection.outcome.value if objection.outcome else None,
        "outcome_reason": objection.outcome_reason,
        "customer": objection.customer.reference if objection.customer else None,
        "note": objection.note,
    }


def _who(objection: Objection) -> str:
    """Who the trail names for the objector: a registered contact's pseudonym, or the
    address."""
    if objection.contact_id is not None:
        contact = db.session.get(CustomerContact, objection.contact_id)
        if contact is not None:
            return contact.pseudonym
    return objection.contact_email


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
