"""The audit trail in the admin area: read it page by page, or export it as CSV evidence."""

import csv
import io

import sqlalchemy as sa
from flask import Response, render_template, request

from registry import audit
from registry.admin import blueprint
from registry.admin.forms import AuditFilterForm
from registry.extensions import db
from registry.models import AuditEvent
from registry.register.export import spreadsheet_safe

AUDIT_PAGE_SIZE = 100
MAX_AUDIT_PAGE = 1_000_000


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


def _audit_query(form: AuditFilterForm) -> sa.Select:
    query = sa.select(AuditEvent)
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data.strip())
    if form.actor.data:
        query = query.where(AuditEvent.actor.contains(form.actor.data.strip(), autoescape=True))
    return query
