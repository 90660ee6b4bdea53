"""The admin area's pages: thin views over `registry.accounts` and the audit trail."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import selectinload

from registry import accounts, audit, clock, labels, writes
from registry.admin import blueprint, requires
from registry.admin.forms import AuditFilterForm, ConfirmForm, LoginForm, NewUserForm
from registry.assessment_records import transfers_to_assess
from registry.extensions import db, limiter
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
from registry.public.export import spreadsheet_safe
from registry.public.records import RegisterFilter, published_records
from registry.single_line import has_line_breaks

AUDIT_PAGE_SIZE = 100
DUE_SOON_DAYS = 30  # what the dashboard counts as "soon": reviews due, changes taking effect
MAX_AUDIT_PAGE = 1_000_000


def _login_key() -> str:
    """One counter per account, however its address is written."""
    return "login:" + accounts.address_key(request.form.get("email", ""))


def _failed_login(response: Response) -> bool:
    # Only failed attempts count against the limit: a successful login redirects.
    return request.method == "POST" and response.status_code != 302


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], deduct_when=_failed_login)
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=lambda: _login_key(),
               deduct_when=_failed_login)  # fmt: skip
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # nothing set before logging in survives it
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
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
    return render_template(
        "admin/dashboard.html",
        counts=counts,
        statuses=labels.SUBPROCESSOR_STATUSES,
        objection_states=labels.OBJECTION_STATES,
        objections_to_answer=objections_to_answer,
        failed_emails=failed_emails,
        notices_taking_effect=notices_taking_effect,
        assessments_due=assessments_due,
        assessment_states=labels.ASSESSMENT_STATES,
        without_ground=without_ground,
        today=today,
        last_events=last_events,
    )


@blueprint.get("/audit")
def audit_trail():
    form = AuditFilterForm(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_AUDIT_PAGE)
    query = _audit_query(form).order_by(AuditEvent.id.desc())
    events = db.session.scalars(
        query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    return render_template(
        "admin/audit.html",
        form=form,
        events=events[:AUDIT_PAGE_SIZE],
        page=page,
        more=len(events) > AUDIT_PAGE_SIZE,
    )


@blueprint.get("/audit.csv")
def audit_csv():
    """The trail as evidence: every matching event, oldest first, with its hashes."""
    form = AuditFilterForm(request.args)
    events = db.session.scalars(
        _audit_query(form).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(audit.CSV_HEADER)
    with events:
        for event in events:
            writer.writerow([spreadsheet_safe(value) for value in audit.csv_row(event)])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-trail.csv"},
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
        try:
            user = writes.committed(
                lambda: accounts.create_user(
                    form.email.data, form.password.data, Role(form.role.data), current_user.email
                )
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            role = labels.ROLES[user.role]
            flash(_("%(email)s can now log in as %(role)s.", email=user.email, role=role))
            return redirect(url_for("admin.users"))
    listed = db.session.scalars(sa.select(User).order_by(User.email)).all()
    page = render_template(
        "admin/users.html", users=listed, roles=labels.ROLES, form=form, confirm=ConfirmForm()
    )
    return page, 400


@blueprint.post("/users/<int(max=2147483647):user_id>/deactivate")
@requires(Role.ADMIN)
def deactivate_user(user_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself; ask another admin."))
        return redirect(url_for("admin.users"))
    accounts.deactivate_user(user, current_user.email)
    db.session.commit()
    flash(_("%(email)s can no longer log in.", email=user.email))
    return redirect(url_for("admin.users"))


def _audit_query(form: AuditFilterForm) -> sa.Select:
    query = sa.select(AuditEvent)
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data.strip())
    if form.actor.data:
        query = query.where(AuditEvent.actor.contains(form.actor.data.strip(), autoescape=True))
    return query


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path inside the admin area, never another site,
    and never one with a line break or another control character, which no header can hold."""
    if target and not has_line_breaks(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin"):
            return target
    return url_for("admin.dashboard")
