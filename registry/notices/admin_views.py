"""Announcing and withdrawing changes: admins act, every role reads."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from registry import audit, clock, labels, outbox, writes
from registry.admin import blueprint, requires
from registry.admin.forms import (
    AnnounceForm,
    ConfirmForm,
    MoveLaterForm,
    WithdrawForm,
    WrittenApprovalForm,
)
from registry.customers import holds, proof
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.models import (
    ChangeKind,
    ChangeNotice,
    CustomerNotice,
    NoticeState,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.accounts import Role
from registry.notices import changes
from registry.notices.announce_step import announce_or_preview
from registry.notices.records import notice_record
from registry.register.admin_views import subprocessor_page
from registry.register.records import subprocessors_in


@blueprint.get("/changes")
def changes_overview():
    return _overview_page()


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
    if form.validate_on_submit():
        replaces = None
        if change_kind is ChangeKind.REPLACEMENT:
            chosen = form.replaces.data or ""
            valid_id = chosen.isdigit() and len(chosen) <= 9
            replaces = db.session.get(Subprocessor, int(chosen)) if valid_id else None
            if replaces is None:
                form.replaces.errors.append(_("Choose the subprocessor it replaces."))
        if not form.errors:
            answer = announce_or_preview(
                lambda: changes.announce(
                    change_kind,
                    subprocessor,
                    current_user.email,
                    window_days=form.window_days.data,
                    replaces=replaces,
                ),
                form,
                field="window_days",
                back=_form_page(change_kind, subprocessor_id),
            )
            if answer is not None:
                return answer
    # Back to the page the form is on, with the error on that form alone.
    if change_kind is ChangeKind.REMOVAL:
        return _overview_page(status=400, announce_failed=(subprocessor_id, form))
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    key = "replace_form" if change_kind is ChangeKind.REPLACEMENT else "announce_form"
    return subprocessor_page(entry, status=400, **{key: form})


def _form_page(kind: ChangeKind, subprocessor_id: int) -> str:
    if kind is ChangeKind.REMOVAL:
        return url_for("admin.changes_overview")
    return url_for("admin.subprocessor", subprocessor_id=subprocessor_id)


@blueprint.post("/changes/<id:notice_id>/withdraw")
@requires(Role.ADMIN)
def withdraw(notice_id: int):
    notice = db.get_or_404(ChangeNotice, notice_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        writes.into_form(
            lambda: changes.withdraw(notice, current_user.email, form.reason.data),
            form,
            field="reason",
        )
        if not form.errors:
            flash(_("The change is withdrawn; the withdrawal is published."))
            return redirect(url_for("admin.changes_overview"))
    return _overview_page(status=400, withdraw_failed=(notice_id, form))


def _overview_page(status: int = 200, announce_failed=None, withdraw_failed=None):
    """The changes, with a form of its own for each notice and subprocessor; a form that was
    refused comes back filled, with its error, on its own item only."""
    notices = db.session.scalars(
        sa.select(ChangeNotice).order_by(ChangeNotice.announced_at.desc())
    ).all()
    proposed = subprocessors_in(SubprocessorStatus.PROPOSED)
    active = subprocessors_in(SubprocessorStatus.ACTIVE)
    announce_forms = {
        entry.id: _own_ids(AnnounceForm(formdata=None), entry.id) for entry in proposed + active
    }
    withdraw_forms = {
        notice.id: _own_ids(WithdrawForm(formdata=None), notice.id) for notice in notices
    }
    for forms, failed in ((announce_forms, announce_failed), (withdraw_forms, withdraw_failed)):
        if failed is not None:
            forms[failed[0]] = _own_ids(failed[1], failed[0])
    page = render_template(
        "admin/changes.html",
        notices=notices,
        proposed=proposed,
        active=active,
        announce_forms=announce_forms,
        withdraw_forms=withdraw_forms,
        kinds=labels.CHANGE_KINDS,
        states=labels.NOTICE_STATES,
        clock_text=clock.local_text,
    )
    return page, status


def _own_ids(form, number: int):
    """The form with field ids of its own, so that many on one page keep their labels."""
    for field in form:
        field.id = f"{field.id}-{number}"
        field.label.field_id = field.id
    return form


@blueprint.get("/changes/<id:notice_id>")
def change(notice_id: int):
    return _change_page(db.get_or_404(ChangeNotice, notice_id))


@blueprint.post("/changes/<id:notice_id>/move-later")
@requires(Role.ADMIN)
def move_later(notice_id: int):
    notice = db.get_or_404(ChangeNotice, notice_id)
    form = MoveLaterForm()
    if form.validate_on_submit():
        writes.into_form(
            lambda: changes.move_later(
                notice, form.days.data, current_user.email, form.reason.data
            ),
            form,
            field="days",
        )
        if not form.errors:
            flash(_("The dates are moved; the customers are told their new deadlines."))
            return redirect(url_for("admin.change", notice_id=notice.id))
    return _change_page(db.get_or_404(ChangeNotice, notice_id), move_form=form, status=400)


@blueprint.post("/changes/<id:notice_id>/customers/<id:customer_id>/approve")
@requires(Role.ADMIN)
def record_approval(notice_id: int, customer_id: int):
    record = db.first_or_404(
        sa.select(CustomerNotice).where(
            CustomerNotice.notice_id == notice_id, CustomerNotice.customer_id == customer_id
        )
    )
    form = WrittenApprovalForm(prefix=f"approval-{customer_id}")
    if form.validate_on_submit():
        writes.into_form(
            lambda: customer_notices.approve(
                record, current_user.email, current_user.email, evidence=form.evidence.data
            ),
            form,
            field="evidence",
        )
        if not form.errors:
            flash(_("The approval is recorded."))
            return redirect(url_for("admin.change", notice_id=notice_id))
    notice = db.get_or_404(ChangeNotice, notice_id)
    return _change_page(notice, approval_failed=(customer_id, form), status=400)


def _change_page(notice: ChangeNotice, move_form=None, approval_failed=None, status: int = 200):
    """A change as the legal team follows it: where it stands for each customer it concerns,
    where it must not apply, and what each customer's contacts were sent."""
    customers = holds.standing(notice)
    approval_forms = {
        entry["customer"].id: WrittenApprovalForm(
            formdata=None, prefix=f"approval-{entry['customer'].id}"
        )
        for entry in customers
        if entry["awaiting_approval"]
    }
    if approval_failed is not None:
        approval_forms[approval_failed[0]] = approval_failed[1]
    page = render_template(
        "admin/change.html",
        notice=notice,
        record=notice_record(notice),
        restrictions=holds.restrictions(notice.id),
        customers=customers,
        deliveries=proof.deliveries(notice_id=notice.id),
        approval_forms=approval_forms,
        move_form=move_form or MoveLaterForm(formdata=None),
        can_move=notice.state is NoticeState.ANNOUNCED,
        kinds=labels.CHANGE_KINDS,
        states=labels.NOTICE_STATES,
        clock_text=clock.local_text,
    )
    return page, status


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
