"""How a change notice applies to each customer it concerns.

A notice concerns a customer whose contract is running, with the entity of ours that engages the
subprocessor, for a service the subprocessor serves (the replaced one's too, for a
replacement). Each such customer gets its own record of the notice (`CustomerNotice`): its own
objection deadline from its own notice period, and, where its authorisation is specific and the
change brings something in, the approval it must give before the change applies to it. The
change takes effect at the latest deadline among them; for a customer whose objection is open
or whose approval is awaited it is held: the subprocessor must not process that customer's data
as the change proposes until the objection is resolved or the approval given.

Every step is on the audit trail; the customers' contacts are emailed in their language.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, clock, outbox
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    Authorisation,
    ChangeNotice,
    Customer,
    CustomerEffect,
    CustomerNotice,
    MessageKind,
    NoticeState,
    Objection,
    ObjectionState,
    customer_service,
    subprocessor_entity,
    subprocessor_service,
)
from registry.notices.kinds import kind_of

# The objections that hold a change for their customer.
OPEN_STATES = (ObjectionState.OPEN, ObjectionState.IN_DISCUSSION)


class ApprovalError(DomainError):
    """An approval cannot be recorded as asked; the message says why."""


def concerned_customers(notice: ChangeNotice) -> sa.Select:
    """The customers `notice` concerns: contract running, with an entity of ours that engages
    the subprocessor (or the one it replaces), for one of its services."""
    subprocessors = [notice.subprocessor_id]
    if notice.replaced_subprocessor_id is not None:
        subprocessors.append(notice.replaced_subprocessor_id)
    same_entity = sa.select(subprocessor_entity.c.entity_id).where(
        subprocessor_entity.c.subprocessor_id.in_(subprocessors)
    )
    same_service = (
        sa.select(customer_service.c.customer_id)
        .join(
            subprocessor_service,
            subprocessor_service.c.service_id == customer_service.c.service_id,
        )
        .where(subprocessor_service.c.subprocessor_id.in_(subprocessors))
    )
    return (
        sa.select(Customer)
        .where(
            Customer.contract_ended_on.is_(None),
            Customer.entity_id.in_(same_entity),
            Customer.id.in_(same_service),
        )
        .order_by(Customer.organisation, Customer.id)
    )


def notice_days(customer: Customer, window_days: int) -> int:
    """The customer's days to object to a notice announced with `window_days`: its own notice
    period; more if a longer window was chosen for everyone; less only as far as its contract
    allows (its shortest notice) when the window was shortened."""
    default = current_app.config["NOTICE_WINDOW_DAYS"]
    if window_days > default:
        return max(window_days, customer.notice_days)
    if window_days < default:
        floor = customer.shortest_notice_days or customer.notice_days
        return min(customer.notice_days, max(window_days, floor))
    return customer.notice_days


def open_for_customers(notice: ChangeNotice) -> datetime | None:
    """Record `notice` for each customer it concerns and for which it is not recorded yet, with
    its deadline; return the latest deadline among them (None: none was recorded). The caller
    sets the notice's effective time and calls `notify`. The caller commits."""
    latest = None
    needs_authorisation = kind_of(notice).needs_authorisation
    recorded = sa.select(CustomerNotice.customer_id).where(CustomerNotice.notice_id == notice.id)
    for customer in db.session.scalars(
        concerned_customers(notice).where(Customer.id.not_in(recorded))
    ):
        days = notice_days(customer, notice.window_days)
        deadline = notice.announced_at + timedelta(days=days)
        db.session.add(
            CustomerNotice(
                notice=notice,
                customer=customer,
                notice_days=days,
                objection_deadline=deadline,
                needs_approval=(
                    needs_authorisation and customer.authorisation is Authorisation.SPECIFIC
                ),
                effect=CustomerEffect.PENDING,
                revision=0,
            )
        )
        latest = deadline if latest is None else max(latest, deadline)
    db.session.flush()
    return latest


def notify(notice: ChangeNotice, kind: MessageKind) -> int:
    """Tell each customer `notice` concerns of it (`kind`) on every channel: one email to each
    of its contacts, in the customer's language, and one event to each of its webhook
    endpoints; return how many messages. Erased contacts and ended contracts get nothing.
    Telling twice adds nothing."""
    key = sa.literal(f"{kind.value}:") + sa.cast(CustomerNotice.id, sa.String)
    if kind is MessageKind.CUSTOMER_NOTICE_MOVED:
        key = key + sa.literal(":") + sa.cast(CustomerNotice.revision, sa.String)
    return outbox.tell_customers(kind, _events(key).where(CustomerNotice.notice_id == notice.id))


def queue_reminders(days: int) -> int:
    """Queue the reminder to each customer whose deadline for an announced notice is `days`
    away or nearer (a notice period that short gets none). Queueing again adds nothing."""
    now = clock.now()
    kind = MessageKind.CUSTOMER_NOTICE_REMINDER
    due = (
        _events(sa.literal(f"{kind.value}:") + sa.cast(CustomerNotice.id, sa.String))
        .join(ChangeNotice, ChangeNotice.id == CustomerNotice.notice_id)
        .where(
            ChangeNotice.state == NoticeState.ANNOUNCED,
            CustomerNotice.objection_deadline > now,
            CustomerNotice.objection_deadline <= now + timedelta(days=days),
            CustomerNotice.notice_days > days,
        )
    )
    return outbox.tell_customers(kind, due)


def _events(key) -> sa.Select:
    """Customer notices as events for `outbox.tell_customers`, under `key`, for customers
    whose contract runs."""
    return (
        sa.select(
            key.label("key"),
            CustomerNotice.customer_id.label("customer_id"),
            CustomerNotice.id.label("subject_id"),
        )
        .join(Customer, Customer.id == CustomerNotice.customer_id)
        .where(Customer.contract_ended_on.is_(None))
    )


def _tell_in_effect(record: CustomerNotice) -> None:
    """The change is now in effect for the record's customer: its webhook endpoints are told
    (once per revision of the record; email says nothing of it)."""
    kind = MessageKind.CUSTOMER_NOTICE_IN_EFFECT
    key = sa.literal(f"{kind.value}:{record.id}:{record.revision}")
    db.session.flush()
    outbox.tell_customers(kind, _events(key).where(CustomerNotice.id == record.id))


def take_effect(notice: ChangeNotice) -> None:
    """The notice is becoming effective: in effect for each customer still waiting, held for
    one whose objection is open or whose approval is awaited."""
    now = clock.now()
    for record in _records(notice, CustomerEffect.PENDING):
        record.effect = CustomerEffect.HELD if _holds(record) else CustomerEffect.IN_EFFECT
        record.effect_since = now
        if record.effect is CustomerEffect.IN_EFFECT:
            _tell_in_effect(record)


def withdraw(notice: ChangeNotice) -> None:
    """The notice was withdrawn: so it is for every customer, whose contacts are told."""
    now = clock.now()
    for record in _records(notice):
        record.effect = CustomerEffect.WITHDRAWN
        record.effect_since = now
        record.revision += 1
    notify(notice, MessageKind.CUSTOMER_NOTICE_WITHDRAWN)


def move_later(notice: ChangeNotice, days: int) -> None:
    """Every customer's deadline moves `days` later with the notice's; their contacts are
    told the new dates."""
    for record in _records(notice):
        record.objection_deadline += timedelta(days=days)
        record.revision += 1
    db.session.flush()
    notify(notice, MessageKind.CUSTOMER_NOTICE_MOVED)


def approve(record: CustomerNotice, by: str, actor: str, evidence: str | None = None) -> bool:
    """The customer approves the change (specific authorisation): `by` is the contact's
    pseudonym, or the admin who recorded a written approval with its `evidence` (where the
    signed approval is filed). If the change is in effect and held only for want of this
    approval, it is now in effect for the customer. Approving twice changes nothing; True if
    this call approved. Raises ApprovalError. The caller commits."""
    db.session.refresh(record, with_for_update=True)
    if not record.needs_approval:
        raise ApprovalError(_("This change does not need this customer's approval."))
    if record.approved_at is not None:
        return False
    if record.notice.state is NoticeState.WITHDRAWN:
        raise ApprovalError(_("This change was withdrawn; there is nothing to approve."))
    if record.effect in (CustomerEffect.EXCLUDED, CustomerEffect.CONTRACT_ENDED):
        raise ApprovalError(_("This change no longer applies to this customer."))
    before = customer_notice_snapshot(record)
    record.approved_at = clock.now()
    record.approved_by = by
    record.revision += 1
    if record.effect is CustomerEffect.HELD and not _holds(record):
        record.effect = CustomerEffect.IN_EFFECT
        record.effect_since = record.approved_at
        _tell_in_effect(record)
    after = customer_notice_snapshot(record)
    if evidence:
        after["evidence"] = evidence
    audit.record(
        actor, "customer_notice.approved", "customer_notice", record.id, before=before, after=after
    )
    return True


def hold(record: CustomerNotice) -> None:
    """An objection of the customer's now counts: a change already in effect for it is held."""
    if record.effect is CustomerEffect.IN_EFFECT and _holds(record):
        record.effect = CustomerEffect.HELD
        record.effect_since = clock.now()
        record.revision += 1


def settle(record: CustomerNotice, effect: CustomerEffect | None) -> None:
    """An objection of the customer's was resolved: the change now stands as `effect` for it
    (excluded, contract ended), or, with None, as it would without the objection."""
    now = clock.now()
    if effect is not None:
        record.effect = effect
    elif record.effect is CustomerEffect.HELD and not _holds(record):
        record.effect = CustomerEffect.IN_EFFECT
    else:
        return
    record.effect_since = now
    record.revision += 1
    if record.effect is CustomerEffect.IN_EFFECT:
        _tell_in_effect(record)


def deadlines(notice: ChangeNotice) -> list[dict]:
    """Each customer the notice concerns, by reference, with its deadline and approval."""
    if notice.id is None:
        return []
    return [
        {
            "customer": record.customer.reference,
            "objection_deadline": record.objection_deadline.isoformat(),
            "needs_approval": record.needs_approval,
            "effect": record.effect.value,
        }
        for record in _records(notice)
    ]


def open_deadlines(notice_id: int) -> list[datetime]:
    """Each customer's objection deadline for the notice, for those it still applies to."""
    return list(
        db.session.scalars(
            sa.select(CustomerNotice.objection_deadline).where(
                CustomerNotice.notice_id == notice_id,
                CustomerNotice.effect == CustomerEffect.PENDING,
            )
        )
    )


def record_for(notice_id: int, customer_id: int | None) -> CustomerNotice | None:
    """The notice as it applies to the customer, if it concerns it."""
    if customer_id is None:
        return None
    return db.session.scalar(
        sa.select(CustomerNotice).where(
            CustomerNotice.notice_id == notice_id, CustomerNotice.customer_id == customer_id
        )
    )


def customer_notice_snapshot(record: CustomerNotice) -> dict:
    """What the trail keeps of a notice as it applies to a customer."""
    return {
        "notice": record.notice_id,
        "customer": record.customer.reference,
        "notice_days": record.notice_days,
        "objection_deadline": record.objection_deadline.isoformat(),
        "needs_approval": record.needs_approval,
        "approved_at": record.approved_at.isoformat() if record.approved_at else None,
        "approved_by": record.approved_by,
        "effect": record.effect.value,
    }


def _records(notice: ChangeNotice, effect: CustomerEffect | None = None) -> list[CustomerNotice]:
    query = sa.select(CustomerNotice).where(CustomerNotice.notice_id == notice.id)
    if effect is not None:
        query = query.where(CustomerNotice.effect == effect)
    return list(db.session.scalars(query.order_by(CustomerNotice.id)))


def _holds(record: CustomerNotice) -> bool:
    """Whether the change must wait for this customer: its approval is awaited, or an
    objection of its own is open."""
    if not kind_of(record.notice).needs_authorisation:
        return False
    if record.needs_approval and record.approved_at is None:
        return True
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Objection)
            .where(
                Objection.notice_id == record.notice_id,
                Objection.customer_id == record.customer_id,
                Objection.state.in_(OPEN_STATES),
            )
        )
        > 0
    )
