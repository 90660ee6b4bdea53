"""Reading the register's history: the snapshot in effect at the end of a day in the
organisation's time zone, the register it recorded, and what changed between two days, each
change with the snapshot that recorded it and the notice that made it."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from registry import clock
from registry.extensions import db
from registry.history.diff import differences
from registry.links import public_url
from registry.models import ChangeNotice, RegisterSnapshot


def end_of(day: date) -> datetime:
    """The instant `day` ends in the organisation's time zone (the next day's first instant)."""
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def snapshot_on(day: date) -> RegisterSnapshot | None:
    """The register's snapshot in effect at the end of `day`: the last taken before the day
    ended, or None before the history begins."""
    return db.session.scalars(
        sa.select(RegisterSnapshot)
        .where(RegisterSnapshot.taken_at < end_of(day))
        # By instant first: a snapshot replayed at a past instant (the demo) is in its place.
        .order_by(RegisterSnapshot.taken_at.desc(), RegisterSnapshot.id.desc())
        .limit(1)
    ).first()


def register_on(day: date) -> RegisterSnapshot | None:
    """The register a transfers page judges on `day`: the snapshot in effect at the end of a
    past day. None (the register as it reads now) for today, a day to come (a what-if) or a
    day before the recorded history begins."""
    if day >= clock.today():
        return None
    return snapshot_on(day)


def begins_after(day: date, snapshot: RegisterSnapshot | None) -> str | None:
    """For a past day `register_on` found no snapshot for: when the recorded history begins,
    in the organisation's time zone ("" while nothing was recorded); None otherwise."""
    if snapshot is not None or day >= clock.today():
        return None
    first = first_snapshot()
    return clock.local_text(first.taken_at) if first else ""


def first_snapshot() -> RegisterSnapshot | None:
    """Where the recorded history begins, or None while nothing was recorded: the earliest
    snapshot by instant, as `snapshot_on` reads them."""
    return db.session.scalars(
        sa.select(RegisterSnapshot)
        .order_by(RegisterSnapshot.taken_at, RegisterSnapshot.id)
        .limit(1)
    ).first()


def latest_snapshot() -> RegisterSnapshot | None:
    """The snapshot of the register as it reads now, or None while nothing was recorded."""
    return db.session.scalars(
        sa.select(RegisterSnapshot).order_by(RegisterSnapshot.id.desc()).limit(1)
    ).first()


def all_snapshots() -> list[RegisterSnapshot]:
    """Every snapshot, newest first."""
    return list(
        db.session.scalars(sa.select(RegisterSnapshot).order_by(RegisterSnapshot.id.desc()))
    )


def recorded(snapshot: RegisterSnapshot) -> dict:
    """The register as the snapshot recorded it (`registry.register.state`)."""
    return json.loads(snapshot.document)


def reference(snapshot: RegisterSnapshot) -> dict:
    """How the API names a snapshot: `{"id", "sha256", "taken_at", "url"}` (its signed JSON)."""
    return {
        "id": snapshot.id,
        "sha256": snapshot.sha256,
        "taken_at": clock.utc_text(snapshot.taken_at),
        "url": public_url("public.snapshot_json", snapshot_id=snapshot.id),
    }


def listed(snapshot: RegisterSnapshot) -> dict:
    """A snapshot as `/api/v1/snapshots` lists it: its reference, its signature's address,
    the signing key's fingerprint and its causes, each notice with its page."""
    return {
        **reference(snapshot),
        "signature_url": public_url("public.snapshot_signature", snapshot_id=snapshot.id),
        "key_fingerprint": snapshot.key_fingerprint,
        "causes": [
            {
                "action": cause["action"],
                "notice": _notice(cause["subject_id"])
                if cause["subject_type"] == "change_notice"
                else None,
            }
            for cause in snapshot.causes
        ],
    }


def _notice(subject_id: str | None) -> dict | None:
    if not subject_id or not subject_id.isdigit():
        return None
    return {"id": int(subject_id), "url": public_url("public.change", notice_id=int(subject_id))}


def changes_between(first: date, last: date) -> dict:
    """What changed in the register from the start of `first` to the end of `last`, in the
    organisation's time zone: every pair of consecutive snapshots in between compared, so that
    each change names the snapshot that recorded it and the notice that made it (a thing added
    and removed again within the period shows twice).

    `{"from_snapshot": snapshot or None (the history begins later), "to_snapshot": snapshot or
    None (none yet), "changes": [entry of `registry.history.diff` with "snapshot_id",
    "taken_at" and "notice"]}`."""
    base = snapshot_on(first - timedelta(days=1))
    # In the order of their instants, as `snapshot_on` reads them: a snapshot replayed at a
    # past instant (the demo) is compared with the one before it in time, and the period ends
    # on the register of its last day. Those after `base` are those taken from `first` on.
    later = list(
        db.session.scalars(
            sa.select(RegisterSnapshot)
            .where(
                RegisterSnapshot.taken_at >= end_of(first - timedelta(days=1)),
                RegisterSnapshot.taken_at < end_of(last),
            )
            .order_by(RegisterSnapshot.taken_at, RegisterSnapshot.id)
        )
    )
    notices = _notices_of(later)
    entries, before = [], recorded(base) if base else None
    for snapshot in later:
        after = recorded(snapshot)
        for entry in differences(before, after):
            entry["snapshot_id"] = snapshot.id
            entry["taken_at"] = snapshot.taken_at
            entry["notice"] = _attributed(entry, snapshot, notices)
            entries.append(entry)
        before = after
    return {
        "from_snapshot": base,
        "to_snapshot": later[-1] if later else base,
        "changes": entries,
    }


def _notices_of(snapshots: list[RegisterSnapshot]) -> dict[int, int]:
    """The subprocessor each notice among the snapshots' causes is about, by notice id."""
    ids = {
        int(cause["subject_id"])
        for snapshot in snapshots
        for cause in snapshot.causes
        if cause["subject_type"] == "change_notice" and (cause["subject_id"] or "").isdigit()
    }
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ChangeNotice.id, ChangeNotice.subprocessor_id).where(ChangeNotice.id.in_(ids))
    )
    return dict(rows.all())


def _attributed(entry: dict, snapshot: RegisterSnapshot, notices: dict[int, int]) -> dict | None:
    """The notice that made a change: the snapshot's only notice, or among several the one
    about the entry's subprocessor (or the one it engages)."""
    candidates = [
        int(cause["subject_id"])
        for cause in snapshot.causes
        if cause["subject_type"] == "change_notice" and (cause["subject_id"] or "").isdigit()
    ]
    if len(candidates) > 1:
        concerned = {entry["subprocessor"]["id"], entry.get("engages", {}).get("id")}
        candidates = [notice for notice in candidates if notices.get(notice) in concerned]
    return _notice(str(candidates[0])) if len(candidates) == 1 else None
