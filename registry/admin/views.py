"""The admin area's own pages: logging in and out, the dashboard, the users."""

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import selectinload

from registry import accounts, clock, labels, writes
from registry.admin import blueprint, login_limits, requires
from registry.admin.forms import ConfirmForm, LoginForm, NewUserForm
from registry.assessments.records import transfers_to_assess
from registry.chain import records as chain_records
from registry.customers import holds
from registry.dpf import checks as dpf_checks
from registry.extensions import db, limiter
from registry.i18n import current_language
from registry.models import (
    AuditEvent,
    ChangeNotice,
    DeliveryState,
    NoticeState,
    Objection,
    ObjectionState,
    OutboxMessage,
    Subprocessor,
    User,
)
from registry.models.accounts import Role
from registry.register.records import RegisterFilter, published_records
from registry.register.transfer_records import Judgement
from registry.single_line import has_line_breaks

DUE_SOON_DAYS = 30  # what the dashboard counts as "soon": reviews due, changes taking effect


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limits.PER_CLIENT, methods=["POST"], deduct_when=login_limits.failed)
@limiter.limit(
    login_limits.PER_ACCOUNT,
    methods=["POST"],
    key_func=login_limits.account_key,
    exempt_when=login_limits.from_known_device,
    deduct_when=login_limits.failed,
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # nothing set before logging in survives it
            login_user(user)
            response = redirect(_safe_next(request.args.get("next")))
            login_limits.remember_device(response, user.email)
            return response
        form.password.errors.append(_("The email address or the password is wrong."))
    status = 400 if form.errors else 200
    return render_template("admin/login.html", form=form), status


@blueprint.post("/logout")
def logout():
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            accounts.end_sessions(user, user.email)
            db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("admin.login"))


@blueprint.get("/")
def dashboard():
    counts = dict(
        db.session.execute(
            sa.select(Subprocessor.status, sa.func.count()).group_by(Subprocessor.status)
        ).all()
    )
    last_events = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(10)
    ).all()
    objections_to_answer = db.session.scalars(
        sa.select(Objection)
        .where(Objection.state.in_([ObjectionState.OPEN, ObjectionState.IN_DISCUSSION]))
        .options(selectinload(Objection.notice).selectinload(ChangeNotice.subprocessor))
        .order_by(Objection.submitted_at)
    ).all()
    soon = clock.now() + timedelta(days=DUE_SOON_DAYS)
    notices_taking_effect = db.session.scalars(
        sa.select(ChangeNotice)
        .where(ChangeNotice.state == NoticeState.ANNOUNCED, ChangeNotice.takes_effect_at <= soon)
        .options(selectinload(ChangeNotice.subprocessor))
        .order_by(ChangeNotice.takes_effect_at)
    ).all()
    language = str(get_locale())
    transfers = transfers_to_assess(language)
    today = clock.today()
    assessments_due = [
        entry
        for entry in transfers
        if entry["approved"] is None
        or entry["verdict"] != "valid"
        or entry["review_due"] <= today + timedelta(days=DUE_SOON_DAYS)
    ]
    without_ground = [
        (record, location)
        for record in published_records(RegisterFilter(), language)
        for location in record["locations"]
        if location["transfer"]["verdict"] == "no_valid_ground"
    ]
    failed_emails = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.state == DeliveryState.FAILED)
    )
    dpf_check = dpf_checks.check_register()
    return render_template(
        "admin/dashboard.html",
        dpf_check=dpf_check,
        dpf_imported_at=dpf_check.imported and clock.local_text(dpf_check.imported.imported_at),
        counts=counts,
        statuses=labels.SUBPROCESSOR_STATUSES,
        objection_states=labels.OBJECTION_STATES,
        objections_to_answer=objections_to_answer,
        failed_emails=failed_emails,
        notices_taking_effect=notices_taking_effect,
        assessments_due=assessments_due,
        assessment_states=labels.ASSESSMENT_STATES,
        without_ground=without_ground,
        restrictions=holds.restrictions(),
        chain_problems=chain_records.problems(Judgement(today), current_language()),
        today=today,
        last_events=last_events,
    )


@blueprint.get("/users")
@requires(Role.ADMIN)
def users():
    listed = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return render_template(
        "admin/users.html",
        users=listed,
        roles=labels.ROLES,
        form=NewUserForm(),
        confirm=ConfirmForm(),
    )


@blueprint.post("/users")
@requires(Role.ADMIN)
def create_user():
    form = NewUserForm()
    if form.validate_on_submit():
        user = writes.into_form(
            lambda: accounts.create_user(
                form.email.data, form.password.data, Role(form.role.data), current_user.email
            ),
            form,
            field="email",
        )
        if user is not None:
            role = labels.ROLES[user.role]
            flash(_("%(email)s can now log in as %(role)s.", email=user.email, role=role))
            return redirect(url_for("admin.users"))
    listed = db.session.scalars(sa.select(User).order_by(User.email)).all()
    page = render_template(
        "admin/users.html", users=listed, roles=labels.ROLES, form=form, confirm=ConfirmForm()
    )
    return page, 400


@blueprint.post("/users/<id:user_id>/deactivate")
@requires(Role.ADMIN)
def deactivate_user(user_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself; ask another admin."))
        return redirect(url_for("admin.users"))
    writes.committed(lambda: accounts.deactivate_user(user, current_user.email))
    flash(_("%(email)s can no longer log in.", email=user.email))
    return redirect(url_for("admin.users"))


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path inside the admin area, never another site,
    and never one with a line break or another control character, which no header can hold."""
    if target and not has_line_breaks(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin"):
            return target
    return url_for("admin.dashboard")
