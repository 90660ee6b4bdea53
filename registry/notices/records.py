"""What a change notice looks like to a reader: one record that the public pages, the API,
the feeds, the emails and the evidence pack all show."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from registry import clock, labels
from registry.extensions import db
from registry.i18n import current_language
from registry.models import ChangeNotice, NoticeState
from registry.notices.decision import decision_record, vocabulary_labels


def upcoming_changes() -> list[dict]:
    """The notices whose change has not yet taken effect, soonest deadline first."""
    query = (
        sa.select(ChangeNotice)
        .where(ChangeNotice.state == NoticeState.ANNOUNCED)
        .options(
            selectinload(ChangeNotice.subprocessor),
            selectinload(ChangeNotice.replaced_subprocessor),
        )
        .order_by(ChangeNotice.objection_deadline)
    )
    return [notice_record(notice) for notice in db.session.scalars(query)]


def notice_record(notice: ChangeNotice) -> dict:
    """Everything a notice says, instants as UTC ISO 8601 and in the organisation's time zone,
    words in the reader's language."""
    language = current_language()
    record = {
        "id": notice.id,
        "kind": notice.kind.value,
        "kind_name": str(labels.CHANGE_KINDS[notice.kind]),
        "state": notice.state.value,
        "state_name": str(labels.NOTICE_STATES[notice.state]),
        "subprocessor": _party(notice.subprocessor),
        "replaces": _party(notice.replaced_subprocessor) if notice.replaced_subprocessor else None,
        "changes": [_change(change, language) for change in notice.changes],
        "decision": (
            decision_record(notice.decision, clock.local_date(notice.takes_effect_at), language)
            if notice.decision
            else None
        ),
        "objections_open": (
            notice.state is NoticeState.ANNOUNCED and clock.now() < notice.objection_deadline
        ),
        "window_days": notice.window_days,
        "window_shortened": notice.window_shortened,
        # History: notices from before windows were shortened only under a contract term.
        "emergency_reason": notice.emergency_reason,
        **_instant("announced_at", notice.announced_at),
        **_instant("objection_deadline", notice.objection_deadline),
        **_instant("takes_effect_at", notice.takes_effect_at),
        **_instant("effective_at", notice.effective_at),
        **_instant("withdrawn_at", notice.withdrawn_at),
        "withdrawal_reason": notice.withdrawal_reason,
        "editorial_reason": notice.editorial_reason,
        "proof": {"announcement_hash": notice.announcement_hash},
    }
    return record | {"title": change_title(record)}


def _change(change: dict, language: str) -> dict:
    """A field's change with its name, and its terms named, in `language`."""
    named = vocabulary_labels(language).get(change["field"])
    if named is not None:

        def translated(value):
            if isinstance(value, list):
                return [named.get(item, item) for item in value]
            return named.get(value, value) if isinstance(value, str) else value

        change = {
            **change,
            "before": translated(change["before"]),
            "after": translated(change["after"]),
        }
    return {**change, "field_name": str(labels.CHANGE_FIELDS.get(change["field"], change["field"]))}


def _party(subprocessor) -> dict:
    return {"id": subprocessor.id, "name": subprocessor.name, "legal_name": subprocessor.legal_name}


def change_title(notice: dict) -> str:
    """“New subprocessor: Nimbus Cloud”, “Subprocessor replaced: Old → New”: a notice record
    named in one line, for pages, subjects and feed titles. The same company under a new legal
    name is named by its legal names: “Nimbus (Nimbus Inc. → Nimbus GmbH)”."""
    new, old = notice["subprocessor"], notice["replaces"]
    subject = new["name"]
    if old and old["name"] == new["name"]:
        subject = f"{new['name']} ({old['legal_name']} → {new['legal_name']})"
    elif old:
        subject = f"{old['name']} → {subject}"
    return f"{notice['kind_name']}: {subject}"


def all_notices() -> list[ChangeNotice]:
    query = (
        sa.select(ChangeNotice)
        .options(
            selectinload(ChangeNotice.subprocessor),
            selectinload(ChangeNotice.replaced_subprocessor),
        )
        .order_by(ChangeNotice.announced_at.desc(), ChangeNotice.id.desc())
    )
    return list(db.session.scalars(query))


def _instant(name: str, instant: datetime | None) -> dict:
    if instant is None:
        return {name: None, f"{name}_local": None}
    return {name: clock.utc_text(instant), f"{name}_local": clock.local_text(instant)}
