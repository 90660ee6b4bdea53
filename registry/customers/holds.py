"""What the legal team must keep to, customer by customer: where a change must not apply to a
customer's data (its objection is open, or its approval awaited), and where the change stands
for each customer a notice concerns. Read by the dashboard and the change's admin page."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import clock, labels
from registry.customers.notices import OPEN_STATES
from registry.extensions import db
from registry.i18n import country_name
from registry.models import (
    ChangeKind,
    ChangeNotice,
    CustomerEffect,
    CustomerNotice,
    NoticeState,
    Objection,
)
from registry.notices.kinds import kind_of

# Where a change can still be held for a customer.
UNSETTLED = (CustomerEffect.PENDING, CustomerEffect.HELD)


def restrictions(notice_id: int | None = None) -> list[dict]:
    """Each customer for whom a change must not apply (of `notice_id` only when given): the
    sentence that says so, since or from when, and why (its open objections, or the approval
    awaited), soonest first."""
    query = (
        sa.select(CustomerNotice)
        .join(ChangeNotice, ChangeNotice.id == CustomerNotice.notice_id)
        .where(
            ChangeNotice.state != NoticeState.WITHDRAWN,
            CustomerNotice.effect.in_(UNSETTLED),
        )
        .order_by(ChangeNotice.takes_effect_at, CustomerNotice.id)
    )
    if notice_id is not None:
        query = query.where(CustomerNotice.notice_id == notice_id)
    records = db.session.scalars(query).all()
    objections = _open_objections([record.notice_id for record in records])
    found = []
    for record in records:
        if not kind_of(record.notice).needs_authorisation:
            continue
        objecting = objections.get((record.notice_id, record.customer_id), [])
        awaiting = record.needs_approval and record.approved_at is None
        if not objecting and not awaiting:
            continue
        found.append(_restriction(record, objecting, awaiting))
    return found


def standing(notice: ChangeNotice) -> list[dict]:
    """Each customer the notice concerns, with its deadline, its approval, where the change
    stands for it and its objections."""
    records = db.session.scalars(
        sa.select(CustomerNotice)
        .where(CustomerNotice.notice_id == notice.id)
        .order_by(CustomerNotice.objection_deadline, CustomerNotice.id)
    ).all()
    objections = _all_objections(notice.id)
    return [
        {
            "record": record,
            "customer": record.customer,
            "authorisation": labels.AUTHORISATIONS[record.customer.authorisation],
            "deadline_local": clock.local_text(record.objection_deadline),
            "approved_local": clock.local_text(record.approved_at) if record.approved_at else None,
            "awaiting_approval": record.needs_approval
            and record.approved_at is None
            and record.effect in UNSETTLED,
            "effect": labels.CUSTOMER_EFFECTS[record.effect],
            "effect_since_local": (
                clock.local_text(record.effect_since) if record.effect_since else None
            ),
            "objections": objections.get(record.customer_id, []),
        }
        for record in records
    ]


def _restriction(record: CustomerNotice, objecting: list[Objection], awaiting: bool) -> dict:
    notice = record.notice
    held = record.effect is CustomerEffect.HELD
    instant: datetime = record.effect_since if held else notice.takes_effect_at
    if objecting:
        why = _(
            "Objection received on %(day)s",
            day=clock.local_text(min(o.confirmed_at for o in objecting)),
        )
    else:
        why = _("Its specific authorisation: approval awaited")
    return {
        "notice_id": notice.id,
        "customer_id": record.customer_id,
        "customer": record.customer.organisation,
        "sentence": must_not_process(notice, record.customer.organisation),
        "held": held,
        "when": (
            _("since %(day)s", day=clock.local_text(instant))
            if held
            else _("from %(day)s, when the change takes effect", day=clock.local_text(instant))
        ),
        "why": why,
        "objection_ids": [objection.id for objection in objecting],
        "awaiting_approval": awaiting,
    }


def must_not_process(notice: ChangeNotice, customer: str) -> str:
    """“<subprocessor> must not process <customer>'s data”, as far as the change goes."""
    subprocessor = notice.subprocessor.name
    if notice.kind is ChangeKind.NEW_LOCATION and notice.proposed_location:
        return _(
            "%(subprocessor)s must not process %(customer)s's data in %(country)s",
            subprocessor=subprocessor,
            customer=customer,
            country=country_name(notice.proposed_location["country"]),
        )
    if notice.kind is ChangeKind.NEW_PURPOSE:
        return _(
            "%(subprocessor)s must not process %(customer)s's data for the new purposes or "
            "data categories",
            subprocessor=subprocessor,
            customer=customer,
        )
    return _(
        "%(subprocessor)s must not process %(customer)s's data",
        subprocessor=subprocessor,
        customer=customer,
    )


def _open_objections(notice_ids: list[int]) -> dict[tuple[int, int], list[Objection]]:
    found: dict[tuple[int, int], list[Objection]] = {}
    if not notice_ids:
        return found
    for objection in db.session.scalars(
        sa.select(Objection)
        .where(
            Objection.notice_id.in_(set(notice_ids)),
            Objection.customer_id.is_not(None),
            Objection.state.in_(OPEN_STATES),
        )
        .order_by(Objection.id)
    ):
        found.setdefault((objection.notice_id, objection.customer_id), []).append(objection)
    return found


def _all_objections(notice_id: int) -> dict[int, list[Objection]]:
    found: dict[int, list[Objection]] = {}
    for objection in db.session.scalars(
        sa.select(Objection)
        .where(Objection.notice_id == notice_id, Objection.customer_id.is_not(None))
        .order_by(Objection.id)
    ):
        found.setdefault(objection.customer_id, []).append(objection)
    return found
