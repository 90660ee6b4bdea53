"""Announcing, withdrawing and applying change notices; each step is on the audit trail.

A notice opens a window for objections: `objection_deadline = announced_at + window`, the window
being the contractual one (NOTICE_WINDOW_DAYS) unless chosen longer. It is never shortened at our
own discretion: only as far as a contract term allows (NOTICE_WINDOW_MIN_DAYS), and a notice so
shortened says so. The change takes effect only once the window has closed.
"""

from dataclasses import asdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, clock, objections, outbox
from registry.assessments import facts as assessment_facts
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.history import snapshots
from registry.i18n import current_language
from registry.models import (
    ChangeKind,
    ChangeNotice,
    MessageKind,
    NoticeState,
    Subprocessor,
    SubprocessorStatus,
)
from registry.notices import decision
from registry.notices.kinds import (
    KINDS,
    ChangeError,
    NewTerms,
    Proposal,
    kind_of,
    open_notice,
    stored_proposal,
)
from registry.register.drafts import LocationValues, identity_taken
from registry.register.facts import location_facts
from registry.register.transfer_records import judged_record
from transfers.reasons import Verdict

# The fields an editorial change may correct: wording that identifies the same company at the
# same place. Anything that changes what is processed, where or by whom needs a notice.
EDITORIAL_FIELDS = ("name", "address", "website")
# Who the subprocessor is: another legal name is another legal entity contracting with us, so
# a replacement with a notice (GDPR Art. 28(2); seed contract clause 3.9), never a correction.
IDENTITY_FIELDS = ("legal_name",)


class NoticeWindowError(ChangeError):
    """The window asked for is shorter than the customers' contracts allow."""

    field = "window_days"


def announce(
    kind: ChangeKind,
    subprocessor: Subprocessor,
    actor: str,
    window_days: int | None = None,
    takes_effect_at: datetime | None = None,
    replaces: Subprocessor | None = None,
    new_location: LocationValues | None = None,
    new_terms: NewTerms | None = None,
) -> ChangeNotice:
    """Publish a notice now; the caller commits. Raises ChangeError.

    The window defaults to NOTICE_WINDOW_DAYS; a longer one may be chosen, a shorter one only
    down to NOTICE_WINDOW_MIN_DAYS where the contracts allow it (unset: never shorter). The
    change takes effect at the deadline, or at `takes_effect_at` if that is later. A
    replacement names the active subprocessor it `replaces`; a new location gives its values,
    checked now and added when the change takes effect; new purposes or data categories
    likewise.
    """
    notice_kind = KINDS[kind]
    proposal = Proposal(replaces=replaces, new_location=new_location, new_terms=new_terms)
    notice_kind.check(subprocessor, proposal)
    # Lock the rows first: two admins announcing at once must not open two notices.
    _lock(subprocessor, replaces)
    if subprocessor.status is not notice_kind.needs:
        raise ChangeError(
            _(
                "%(name)s cannot be announced for this change while it is %(status)s.",
                name=subprocessor.name,
                status=subprocessor.status.value,
            )
        )
    if open_notice(subprocessor) is not None:
        raise ChangeError(_("%(name)s already has a change announced.", name=subprocessor.name))
    _refuse_transfers_without_ground(
        subprocessor, notice_kind.incoming_locations(subprocessor, proposal)
    )
    window = _window(window_days)
    # To the second: the deadline shown in any time zone is then the deadline, exactly.
    announced_at = clock.now().replace(microsecond=0)
    deadline = announced_at + timedelta(days=window)
    if takes_effect_at is not None and takes_effect_at < deadline:
        raise ChangeError(_("A change cannot take effect before the objection deadline."))
    notice = ChangeNotice(
        kind=kind,
        state=NoticeState.ANNOUNCED,
        subprocessor=subprocessor,
        **stored_proposal(proposal),
        changes=notice_kind.changes(subprocessor, proposal),
        decision=decision.snapshot(
            subprocessor,
            notice_kind.places(subprocessor, proposal),
            new_terms=asdict(new_terms) if new_terms else None,
        ),
        announced_at=announced_at,
        announced_by=actor,
        window_days=window,
        objection_deadline=deadline,
        takes_effect_at=takes_effect_at or deadline,
        window_shortened=window < current_app.config["NOTICE_WINDOW_DAYS"],
        announcement_hash="",
    )
    db.session.add(notice)
    subprocessor.status = notice_kind.while_announced
    db.session.flush()
    # Each customer it concerns has its own deadline; the change waits for the latest.
    latest = customer_notices.open_for_customers(notice)
    if latest is not None and latest > notice.takes_effect_at:
        notice.takes_effect_at = latest
    event = audit.record(
        actor, "notice.announced", "change_notice", notice.id, after=notice_snapshot(notice)
    )
    notice.announcement_hash = event.hash
    outbox.fan_out(notice, MessageKind.NOTICE_ANNOUNCED)
    customer_notices.notify(notice, MessageKind.CUSTOMER_NOTICE_ANNOUNCED)
    return notice


def withdraw(notice: ChangeNotice, actor: str, reason: str) -> None:
    """Withdraw an announced notice; the subprocessor goes back to where it was. Raises
    ChangeError. The caller commits."""
    db.session.refresh(notice, with_for_update=True)  # not while apply_due is making it effective
    if notice.state is not NoticeState.ANNOUNCED:
        raise ChangeError(_("Only an announced change can be withdrawn."))
    if clock.now() >= notice.takes_effect_at:
        raise ChangeError(
            _("The change has reached the day it takes effect; it cannot be withdrawn.")
        )
    if not reason.strip():
        raise ChangeError(_("Say why the change is withdrawn: the reason is published."))
    before = notice_snapshot(notice)
    notice.state = NoticeState.WITHDRAWN
    notice.withdrawn_at = clock.now()
    notice.withdrawal_reason = reason.strip()
    notice.subprocessor.status = kind_of(notice).after_withdrawal
    customer_notices.withdraw(notice)
    objections.close_for_withdrawn(notice, actor)
    audit.record(
        actor,
        "notice.withdrawn",
        "change_notice",
        notice.id,
        before=before,
        after=notice_snapshot(notice),
    )
    outbox.fan_out(notice, MessageKind.NOTICE_WITHDRAWN)


LONGEST_POSTPONEMENT = 365


def move_later(notice: ChangeNotice, days: int, actor: str, reason: str) -> None:
    """Give every reader of an announced notice `days` more: its public deadline, each
    customer's deadline and the day it takes effect all move that much later; the customers'
    contacts are emailed the new dates, and their calendar events move. A notice is never
    moved earlier. Raises ChangeError. The caller commits."""
    db.session.refresh(notice, with_for_update=True)
    if notice.state is not NoticeState.ANNOUNCED:
        raise ChangeError(_("Only an announced change can be moved later."))
    if clock.now() >= notice.takes_effect_at:
        raise ChangeError(_("The change has reached the day it takes effect; it cannot be moved."))
    if not 1 <= days <= LONGEST_POSTPONEMENT:
        raise ChangeError(
            _("A change is moved from 1 to %(days)d days later.", days=LONGEST_POSTPONEMENT),
            field="days",
        )
    if not reason.strip():
        raise ChangeError(_("Say why the dates move: the reason is on the trail."), field="reason")
    before = notice_snapshot(notice)
    notice.window_days += days
    notice.objection_deadline += timedelta(days=days)
    notice.takes_effect_at += timedelta(days=days)
    notice.window_shortened = notice.window_days < current_app.config["NOTICE_WINDOW_DAYS"]
    customer_notices.move_later(notice, days)
    audit.record(
        actor,
        "notice.moved_later",
        "change_notice",
        notice.id,
        before=before,
        after=notice_snapshot(notice) | {"reason": reason.strip()},
    )


def apply_due(actor: str = "notice worker") -> int:
    """Make effective every announced notice whose time has come; return how many. The caller
    commits."""
    now = clock.now()
    due = db.session.scalars(
        sa.select(ChangeNotice)
        .where(ChangeNotice.state == NoticeState.ANNOUNCED, ChangeNotice.takes_effect_at <= now)
        .order_by(ChangeNotice.takes_effect_at)
        .with_for_update(skip_locked=True)
    ).all()
    for notice in due:
        before = notice_snapshot(notice)
        notice.state = NoticeState.EFFECTIVE
        notice.effective_at = now
        kind_of(notice).take_effect(notice)
        customer_notices.take_effect(notice)
        audit.record(
            actor,
            "notice.effective",
            "change_notice",
            notice.id,
            before=before,
            after=notice_snapshot(notice),
        )
        # One snapshot per notice, so that each change in the history names its own notice.
        snapshots.take_pending()
    return len(due)


def publish_editorial(
    subprocessor: Subprocessor, corrections: dict[str, str | None], reason: str, actor: str
) -> ChangeNotice:
    """Correct the wording of an engaged subprocessor's entry at once, with no window: a notice
    of kind editorial, in effect when published, says what was corrected and why. Only the
    fields in EDITORIAL_FIELDS may be corrected; IDENTITY_FIELDS may be given only unchanged.
    Raises ChangeError. The caller commits."""
    _lock(subprocessor)
    if subprocessor.status is not SubprocessorStatus.ACTIVE:
        raise ChangeError(
            _(
                "Only an active subprocessor's entry is corrected this way; edit a "
                "proposed one as a draft."
            )
        )
    if not reason.strip():
        raise ChangeError(
            _("Say why the correction changes nothing of substance: it is published with it.")
        )
    _check_identity(subprocessor, corrections)
    corrections = {
        name: value for name, value in corrections.items() if name not in IDENTITY_FIELDS
    }
    unknown = set(corrections) - set(EDITORIAL_FIELDS)
    if unknown:
        raise ChangeError(
            _(
                "Only the wording of %(fields)s is corrected without a notice window.",
                fields=", ".join(EDITORIAL_FIELDS),
            )
        )
    corrected = {}
    for name, value in corrections.items():
        value = _wording(value)
        if value != getattr(subprocessor, name):
            corrected[name] = value
    if not corrected:
        raise ChangeError(_("Nothing differs from the published entry."))
    _check_wording(subprocessor, corrected)
    now = clock.now().replace(microsecond=0)
    notice = ChangeNotice(
        kind=ChangeKind.EDITORIAL,
        state=NoticeState.EFFECTIVE,
        subprocessor=subprocessor,
        changes=[
            {"field": name, "before": getattr(subprocessor, name), "after": value}
            for name, value in corrected.items()
        ],
        announced_at=now,
        announced_by=actor,
        window_days=0,
        objection_deadline=now,
        takes_effect_at=now,
        effective_at=now,
        editorial_reason=reason.strip(),
        announcement_hash="",
    )
    db.session.add(notice)
    for name, value in corrected.items():
        setattr(subprocessor, name, value)
    db.session.flush()
    event = audit.record(
        actor, "notice.editorial", "change_notice", notice.id, after=notice_snapshot(notice)
    )
    notice.announcement_hash = event.hash
    return notice


def notice_snapshot(notice: ChangeNotice) -> dict:
    """What the trail keeps of a notice: everything it says, with instants in UTC."""
    return {
        "kind": notice.kind.value,
        "state": notice.state.value,
        "subprocessor": notice.subprocessor.name,
        "replaces": notice.replaced_subprocessor.name if notice.replaced_subprocessor else None,
        "proposed_location": notice.proposed_location,
        "proposed_terms": notice.proposed_terms,
        "changes": notice.changes,
        "decision": notice.decision,
        "announced_at": _utc(notice.announced_at),
        "window_days": notice.window_days,
        "objection_deadline": _utc(notice.objection_deadline),
        "takes_effect_at": _utc(notice.takes_effect_at),
        "window_shortened": notice.window_shortened,
        "emergency_reason": notice.emergency_reason,
        "withdrawal_reason": notice.withdrawal_reason,
        "editorial_reason": notice.editorial_reason,
        "customers": customer_notices.deadlines(notice),
    }


def _refuse_transfers_without_ground(subprocessor: Subprocessor, locations: list) -> None:
    """A change must not bring in a transfer that has no ground under Chapter V (Art. 44 GDPR):
    the locations it brings in are judged today, with any assessment approved for them. Raises
    ChangeError with the reasons."""
    if not locations:
        return
    day = clock.today()
    assessed = assessment_facts.on_record(day, sa.select(sa.literal(subprocessor.id)))
    reasons = []
    for location in locations:
        measures = [measure.code for measure in location.measures]
        facts = location_facts(location, subprocessor, measures, assessed.get(location.id))
        judged = judged_record(facts, day, current_language())
        if judged["verdict"] == Verdict.NO_VALID_GROUND:
            reasons += [
                reason["text"]
                for reason in judged["reasons"]
                if reason["verdict"] == Verdict.NO_VALID_GROUND
            ]
    if reasons:
        raise ChangeError(
            _(
                "This change would bring in a transfer without a valid ground, so it is not "
                "announced: %(reasons)s. Record a ground for it first.",
                reasons="; ".join(reasons),
            )
        )


def _window(window_days: int | None) -> int:
    """The window asked for, if the contracts allow it. Raises NoticeWindowError."""
    contractual = current_app.config["NOTICE_WINDOW_DAYS"]
    window = contractual if window_days is None else window_days
    # GDPR Art. 28(2) and SCC clause 9(a): the customers' time to object is the one agreed in
    # their contracts; a shorter window is ours to give only where a contract term allows it.
    shortest = min(current_app.config.get("NOTICE_WINDOW_MIN_DAYS") or contractual, contractual)
    if window >= shortest:
        return window
    if shortest == contractual:
        raise NoticeWindowError(
            _(
                "The notice window cannot be shorter than the %(days)d days the customers' "
                "contracts give them to object.",
                days=contractual,
            )
        )
    raise NoticeWindowError(
        _(
            "The customers' contracts allow a notice window of %(shortest)d days at the "
            "shortest, not %(days)d.",
            shortest=shortest,
            days=window,
        )
    )


def _lock(*subprocessors: Subprocessor | None) -> None:
    for subprocessor in subprocessors:
        if subprocessor is not None:
            db.session.refresh(subprocessor, with_for_update=True)


def _check_identity(subprocessor: Subprocessor, corrections: dict[str, str | None]) -> None:
    for name in IDENTITY_FIELDS:
        if name in corrections and _wording(corrections[name]) != getattr(subprocessor, name):
            raise ChangeError(
                _(
                    "A new legal name means another company contracts with us: announce a "
                    "replacement instead. Draft a new subprocessor under the new legal name, then "
                    "announce it as the replacement of %(name)s.",
                    name=subprocessor.name,
                )
            )


def _wording(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_wording(subprocessor: Subprocessor, corrected: dict[str, str | None]) -> None:
    if "name" in corrected:
        if corrected["name"] is None:
            raise ChangeError(_("A subprocessor keeps a name."))
        if identity_taken(corrected["name"], subprocessor.legal_name, other_than=subprocessor):
            raise ChangeError(
                _(
                    "There is already a subprocessor named %(name)s with the legal name "
                    "%(legal_name)s.",
                    name=corrected["name"],
                    legal_name=subprocessor.legal_name,
                )
            )
    if "address" in corrected and corrected["address"] is None:
        raise ChangeError(_("The address cannot be left empty."))
    website = corrected.get("website")
    if website and not website.lower().startswith(("https://", "http://")):
        raise ChangeError(_("The website must be an https:// or http:// address."))


def _utc(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()
