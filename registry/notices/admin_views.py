"""Announcing and withdrawing changes: admins act, every role reads."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from registry import audit, labels, outbox, writes
from registry.admin import blueprint, requires
from registry.admin.forms import AnnounceForm, ConfirmForm, WithdrawForm
from registry.extensions import db
from registry.models import ChangeKind, ChangeNotice, Subprocessor, SubprocessorStatus
from registry.models.accounts import Role
from registry.notices import changes


@blueprint.get("/changes")
def changes_overview():
    return _overview_page(AnnounceForm(), WithdrawForm())


@blueprint.post("/subprocessors/<id:subprocessor_id>/announce/<kind>")
@requires(Role.ADMIN)
def announce(subprocessor_id: int, kind: str):
    subprocessor = db.get_or_404(Subprocessor, subprocessor_id)
    try:
        change_kind = ChangeKind(kind)
    except ValueError:
        return redirect(url_for("admin.changes_overview"))
    # The replacement form sits beside the addition form on a draft's page, so its fields are
    # prefixed to keep the two apart.
    form = AnnounceForm(prefix="replace" if change_kind is ChangeKind.REPLACEMENT else "")
    if not form.validate_on_submit():
        return _overview_page(form, WithdrawForm(), status=400)
    replaces = None
    if change_kind is ChangeKind.REPLACEMENT:
        chosen = form.replaces.data or ""
        valid_id = chosen.isdigit() and len(chosen) <= 9
        replaces = db.session.get(Subprocessor, int(chosen)) if valid_id else None
        if replaces is None:
            form.replaces.errors.append(_("Choose the subprocessor it replaces."))
            return _overview_page(form, WithdrawForm(), status=400)
    notice = writes.into_form(
        lambda: changes.announce(
            change_kind,
            subprocessor,
            current_user.email,
            window_days=form.window_days.data,
            replaces=replaces,
        ),
        form,
        field="window_days",
    )
    if notice is None:
        return _overview_page(form, WithdrawForm(), status=400)
    flash(
        _(
            "Announced. Objections are open until %(deadline)s.",
            deadline=notice.objection_deadline.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
    return redirect(url_for("public.change", notice_id=notice.id))


@blueprint.post("/changes/<id:notice_id>/withdraw")
@requires(Role.ADMIN)
def withdraw(notice_id: int):
    notice = db.get_or_404(ChangeNotice, notice_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _overview_page(AnnounceForm(), form, status=400)
    writes.into_form(
        lambda: changes.withdraw(notice, current_user.email, form.reason.data),
        form,
        field="reason",
    )
    if form.errors:
        return _overview_page(AnnounceForm(), form, status=400)
    flash(_("The change is withdrawn; the withdrawal is published."))
    return redirect(url_for("admin.changes_overview"))


def _overview_page(announce_form: AnnounceForm, withdraw_form: WithdrawForm, status: int = 200):
    notices = db.session.scalars(
        sa.select(ChangeNotice).order_by(ChangeNotice.announced_at.desc())
    ).all()
    by_status = {
        status_: db.session.scalars(
            sa.select(Subprocessor)
            .where(Subprocessor.status == status_)
            .order_by(Subprocessor.name)
        ).all()
        for status_ in (SubprocessorStatus.PROPOSED, SubprocessorStatus.ACTIVE)
    }
    page = render_template(
        "admin/changes.html",
        notices=notices,
        proposed=by_status[SubprocessorStatus.PROPOSED],
        active=by_status[SubprocessorStatus.ACTIVE],
        announce_form=announce_form,
        withdraw_form=withdraw_form,
    )
    return page, status


def subprocessors_in(status: SubprocessorStatus) -> list[Subprocessor]:
    """The subprocessors in one state of their lifecycle, by name."""
    query = sa.select(Subprocessor).where(Subprocessor.status == status)
    return list(db.session.scalars(query.order_by(Subprocessor.name)))


@blueprint.get("/changes/<id:notice_id>/deliveries")
def deliveries(notice_id: int):
    notice = db.get_or_404(ChangeNotice, notice_id)
    counts = outbox.delivery_counts(notice.id)
    kinds = sorted({kind for kind, _state in counts})
    return render_template(
        "admin/deliveries.html",
        notice=notice,
        kinds=kinds,
        kind_names=labels.MESSAGE_KINDS,
        counts=counts,
        failures=outbox.failures(notice.id),
        form=ConfirmForm(),
    )


@blueprint.post("/changes/<id:notice_id>/resend-failed")
@requires(Role.ADMIN)
def resend_failed(notice_id: int):
    notice = db.get_or_404(ChangeNotice, notice_id)
    if ConfirmForm().validate_on_submit():
        queued = writes.committed(lambda: _resend_failed(notice))
        flash(
            ngettext("%(num)d email is queued again.", "%(num)d emails are queued again.", queued)
        )
    return redirect(url_for("admin.deliveries", notice_id=notice.id))


def _resend_failed(notice: ChangeNotice) -> int:
    queued = outbox.resend_failed(notice.id)
    audit.record(
        current_user.email,
        "notice.emails_resent",
        "change_notice",
        notice.id,
        after={"queued_again": queued},
    )
    return queued
