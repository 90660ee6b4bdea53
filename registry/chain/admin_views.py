"""The processing chain in the admin area: editors add the companies a subprocessor engages
(each then drafted, given its locations and announced like any addition) and record the
flow-down clause; every role reads the chain with its verdicts on the subprocessor's page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import chain, writes
from registry.admin import blueprint, requires
from registry.chain.forms import FlowDownForm, member_form
from registry.extensions import db
from registry.models import Subprocessor
from registry.models.accounts import Role
from registry.register.admin_views import subprocessor_page


@blueprint.post("/subprocessors/<id:subprocessor_id>/chain")
@requires(Role.EDITOR)
def add_chain_member(subprocessor_id: int):
    parent = db.get_or_404(Subprocessor, subprocessor_id)
    form = member_form()
    if form.validate_on_submit():
        values = form.values()
        child = writes.into_form(
            lambda: chain.draft_member(parent, values, current_user.email), form, field="name"
        )
        if child is not None:
            flash(
                _(
                    "%(child)s is drafted under %(parent)s: add where it processes the data, "
                    "then announce it.",
                    child=child.name,
                    parent=parent.name,
                )
            )
            return redirect(url_for("admin.subprocessor", subprocessor_id=child.id))
    return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), 400, chain_form=form)


@blueprint.post("/subprocessors/<id:subprocessor_id>/flow-down")
@requires(Role.EDITOR)
def record_flow_down(subprocessor_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = FlowDownForm(prefix="flow")
    if form.validate_on_submit():
        writes.into_form(
            lambda: chain.record_flow_down(
                entry, form.clause.data, form.signed_on.data, current_user.email
            ),
            form,
            field="clause",
        )
        if not form.errors:
            flash(_("The flow-down clause is recorded."))
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), 400, flow_form=form)
