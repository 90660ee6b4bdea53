"""Objections in the admin area: every role reads them; admins triage them."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry import labels, objections, outbox, writes
from registry.admin import blueprint, requires
from registry.admin.forms import TriageForm
from registry.extensions import db
from registry.models import ChangeNotice, MessageKind, Objection, ObjectionOutcome, ObjectionState
from registry.models.accounts import Role


@blueprint.get("/objections")
def objections_overview():
    query = (
        sa.select(Objection)
        .options(selectinload(Objection.notice).selectinload(ChangeNotice.subprocessor))
        .order_by(Objection.submitted_at.desc(), Objection.id.desc())
    )
    everything = db.session.scalars(query).all()
    # Those that count first, in the order legal works them; those still unconfirmed last.
    order = [
        *[state for state in ObjectionState if state is not ObjectionState.UNCONFIRMED],
        ObjectionState.UNCONFIRMED,
    ]
    groups = {state: [o for o in everything if o.state is state] for state in order}
    return render_template("admin/objections.html", groups=groups, states=labels.OBJECTION_STATES)


@blueprint.get("/objections/<id:objection_id>")
def objection(objection_id: int):
    return _objection_page(db.get_or_404(Objection, objection_id), TriageForm())


@blueprint.post("/objections/<id:objection_id>/triage")
@requires(Role.ADMIN)
def triage_objection(objection_id: int):
    found = db.get_or_404(Objection, objection_id)
    form = TriageForm()
    if not form.validate_on_submit():
        return _objection_page(found, form, status=400)
    state = ObjectionState(form.state.data)
    outcome = ObjectionOutcome(form.outcome.data) if form.outcome.data else None
    writes.into_form(
        lambda: objections.triage(
            found, current_user.email, state, outcome, form.note.data, form.reason.data
        ),
        form,
        field="state",
    )
    if form.errors:
        return _objection_page(db.get_or_404(Objection, objection_id), form, status=400)
    flash(_("The objection is now: %(state)s.", state=labels.OBJECTION_STATES[found.state]))
    return redirect(url_for("admin.objection", objection_id=found.id))


def _objection_page(found: Objection, form: TriageForm, status: int = 200):
    emails = outbox.queued_for(
        found.id, {MessageKind.OBJECTION_CONFIRMATION, MessageKind.OBJECTION_ACKNOWLEDGEMENT}
    )
    page = render_template(
        "admin/objection.html",
        objection=found,
        form=form,
        emails=emails,
        states=labels.OBJECTION_STATES,
        outcomes=labels.OBJECTION_OUTCOMES,
        can_triage=objections.NEXT_STATES.get(found.state) is not None,
    )
    return page, status
