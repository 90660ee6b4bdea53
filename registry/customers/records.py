"""A customer's own view of the register, read for its page, its private feeds and its
calendar: the subprocessors that apply to it, and each change notice as it applies to it (its
own deadline, approval, objections and where the change stands for it)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from registry import clock, labels
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeNotice,
    Customer,
    CustomerEffect,
    CustomerNotice,
    NoticeState,
    Objection,
    ObjectionState,
)
from registry.notices.records import notice_record
from registry.register.records import RegisterFilter, published_records

# Where the change is in effect for others but not for the customer: its register marks it.
SET_APART = (CustomerEffect.HELD, CustomerEffect.EXCLUDED)
# Where the customer may still approve (specific authorisation).
MAY_APPROVE = (CustomerEffect.PENDING, CustomerEffect.IN_EFFECT, CustomerEffect.HELD)


def register_for(customer: Customer, language: str) -> list[dict]:
    """The published records of the active subprocessors our entity engages for at least one
    of the customer's services, each with `for_customer`: where a change about it stands apart
    for the customer (held or excluded), else None."""
    records = published_records(
        RegisterFilter(
            entity_id=customer.entity_id,
            service_ids=tuple(service.id for service in customer.services),
        ),
        language,
    )
    apart = _set_apart(customer)
    return [record | {"for_customer": apart.get(record["id"])} for record in records]


def changes_for(customer: Customer) -> tuple[list[dict], list[dict]]:
    """The notices that concern the customer as they apply to it: the upcoming ones (announced)
    soonest deadline first, then the others (in effect, withdrawn) latest first."""
    rows = customer_notices(customer)
    objections = _objections(customer)
    changes = [_change(row, objections.get(row.notice_id, []), customer) for row in rows]
    upcoming = [change for change in changes if change["upcoming"]]
    past = [change for change in changes if not change["upcoming"]]
    upcoming.sort(key=lambda change: change["row"].objection_deadline)
    past.sort(key=lambda change: _latest(change["row"].notice), reverse=True)
    return upcoming, past


def last_changed(rows: list[CustomerNotice]) -> dict[int, datetime]:
    """When each row last changed, as far as the register knows: the notice's own instants, the
    row's approval and effect, and the latest audit event about either."""
    audited = _audited(rows)
    changed = {}
    for row in rows:
        notice = row.notice
        instants = [
            notice.announced_at,
            notice.withdrawn_at,
            notice.effective_at,
            row.approved_at,
            row.effect_since,
            audited.get(("change_notice", str(notice.id))),
            audited.get(("customer_notice", str(row.id))),
        ]
        changed[row.id] = max(instant for instant in instants if instant is not None)
    return changed


def customer_notices(customer: Customer) -> list[CustomerNotice]:
    """Every notice as it applies to the customer, newest announcement first."""
    query = (
        sa.select(CustomerNotice)
        .join(ChangeNotice, ChangeNotice.id == CustomerNotice.notice_id)
        .where(CustomerNotice.customer_id == customer.id)
        .options(
            selectinload(CustomerNotice.notice).selectinload(ChangeNotice.subprocessor),
            selectinload(CustomerNotice.notice).selectinload(ChangeNotice.replaced_subprocessor),
        )
        .order_by(ChangeNotice.announced_at.desc(), ChangeNotice.id.desc())
    )
    return list(db.session.scalars(query))


def _change(row: CustomerNotice, objections: list[Objection], customer: Customer) -> dict:
    notice = row.notice
    names = {contact.pseudonym: contact.name for contact in customer.contacts if contact.name}
    contacts = {contact.id: contact.name or contact.pseudonym for contact in customer.contacts}
    upcoming = notice.state is NoticeState.ANNOUNCED
    return {
        "row": row,
        "notice": notice_record(notice),
        "upcoming": upcoming,
        **_instant("deadline", row.objection_deadline),
        **_instant("takes_effect", notice.takes_effect_at),
        "notice_days": row.notice_days,
        "takes_objections": upcoming and clock.now() < row.objection_deadline,
        "needs_approval": row.needs_approval,
        "approval_awaited": (
            row.needs_approval
            and row.approved_at is None
            and notice.state is not NoticeState.WITHDRAWN
            and row.effect in MAY_APPROVE
        ),
        "approved_at_local": clock.local_text(row.approved_at) if row.approved_at else None,
        # A contact's pseudonym is shown as the contact's name; an admin's address as it is.
        "approved_by": names.get(row.approved_by, row.approved_by),
        "effect": row.effect.value,
        "effect_name": str(labels.CUSTOMER_EFFECTS[row.effect]),
        "effect_since_local": clock.local_text(row.effect_since) if row.effect_since else None,
        "objections": [_objection(objection, contacts) for objection in objections],
    }


def _objection(objection: Objection, contacts: dict[int, str | None]) -> dict:
    return {
        "id": objection.id,
        # A registered contact by the name we hold (none once erased), else as it was typed.
        "by": contacts.get(objection.contact_id, objection.contact_name),
        "state": objection.state.value,
        "state_name": str(labels.OBJECTION_STATES[objection.state]),
        "confirmed_at_local": clock.local_text(objection.confirmed_at),
        "outcome_name": (
            str(labels.OBJECTION_OUTCOMES[objection.outcome]) if objection.outcome else None
        ),
        "outcome_reason": objection.outcome_reason,
        "resolved_at_local": (
            clock.local_text(objection.resolved_at) if objection.resolved_at else None
        ),
    }


def _objections(customer: Customer) -> dict[int, list[Objection]]:
    """The customer's objections that count (confirmed), by notice; an unconfirmed one may be
    anyone's typing."""
    query = (
        sa.select(Objection)
        .where(Objection.customer_id == customer.id, Objection.state != ObjectionState.UNCONFIRMED)
        .order_by(Objection.confirmed_at, Objection.id)
    )
    grouped: dict[int, list[Objection]] = {}
    for objection in db.session.scalars(query):
        grouped.setdefault(objection.notice_id, []).append(objection)
    return grouped


def _set_apart(customer: Customer) -> dict[int, dict]:
    rows = db.session.execute(
        sa.select(ChangeNotice.subprocessor_id, CustomerNotice.effect, ChangeNotice.id)
        .join(CustomerNotice, CustomerNotice.notice_id == ChangeNotice.id)
        .where(CustomerNotice.customer_id == customer.id, CustomerNotice.effect.in_(SET_APART))
        .order_by(ChangeNotice.announced_at)
    )
    return {
        subprocessor_id: {
            "effect": effect.value,
            "effect_name": str(labels.CUSTOMER_EFFECTS[effect]),
            "notice_id": notice_id,
        }
        for subprocessor_id, effect, notice_id in rows
    }


def _audited(rows: list[CustomerNotice]) -> dict[tuple[str, str], datetime]:
    if not rows:
        return {}
    notices = {str(row.notice_id) for row in rows}
    own = {str(row.id) for row in rows}
    latest = sa.func.max(AuditEvent.occurred_at)
    found = db.session.execute(
        sa.select(AuditEvent.subject_type, AuditEvent.subject_id, latest)
        .where(
            sa.or_(
                sa.and_(
                    AuditEvent.subject_type == "change_notice", AuditEvent.subject_id.in_(notices)
                ),
                sa.and_(
                    AuditEvent.subject_type == "customer_notice", AuditEvent.subject_id.in_(own)
                ),
            )
        )
        .group_by(AuditEvent.subject_type, AuditEvent.subject_id)
    )
    return {(kind, subject): at for kind, subject, at in found}


def _latest(notice: ChangeNotice) -> datetime:
    return notice.effective_at or notice.withdrawn_at or notice.announced_at


def _instant(name: str, instant: datetime) -> dict:
    return {f"{name}_utc": clock.utc_text(instant), f"{name}_local": clock.local_text(instant)}
