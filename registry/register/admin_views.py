"""Drafting subprocessors in the admin area: editors and admins write, every role reads."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from registry import clock, labels, writes
from registry.admin import blueprint, requires
from registry.admin.forms import AnnounceForm, ConfirmForm, EditorialForm
from registry.chain import records as chain_records
from registry.chain import watch
from registry.chain.forms import FlowDownForm, member_form, source_form
from registry.dpf import checks as dpf_checks
from registry.extensions import db
from registry.i18n import current_language
from registry.models import (
    ChangeKind,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.accounts import Role
from registry.notices import changes
from registry.notices.announce_step import announce_or_preview
from registry.register import drafts, filling
from registry.register.forms import (
    GROUND_FACT_FIELDS,
    IMPORTER_FIELDS,
    LOCATION_FIELDS,
)
from registry.register.records import subprocessors_in
from registry.register.transfer_records import Judgement


@blueprint.get("/subprocessors/new")
@requires(Role.EDITOR)
def new_subprocessor():
    """An empty draft, or with `?successor_of=<id>` one filled from an engaged subprocessor:
    the same company under a new legal name, to announce as that one's replacement."""
    chosen = request.args.get("successor_of", "")
    predecessor = (
        db.session.get(Subprocessor, int(chosen)) if chosen.isdigit() and len(chosen) <= 9 else None
    )
    return render_template(
        "admin/subprocessor_new.html",
        predecessor=predecessor,
        form=filling.draft_form(entry=predecessor),
        importer_fields=IMPORTER_FIELDS,
    )


@blueprint.post("/subprocessors")
@requires(Role.EDITOR)
def create_subprocessor():
    form = filling.draft_form()
    if form.validate_on_submit():
        values = filling.draft_values(form)
        subprocessor = writes.into_form(
            lambda: drafts.create_draft(values, current_user.email), form, field="name"
        )
        if subprocessor is not None:
            return redirect(url_for("admin.subprocessor", subprocessor_id=subprocessor.id))
    page = render_template(
        "admin/subprocessor_new.html", form=form, importer_fields=IMPORTER_FIELDS
    )
    return page, 400


@blueprint.get("/subprocessors/<id:subprocessor_id>")
def subprocessor(subprocessor_id: int):
    return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id))


@blueprint.post("/subprocessors/<id:subprocessor_id>/locations")
@requires(Role.EDITOR)
def add_location(subprocessor_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = filling.location_form()
    if form.validate_on_submit():
        values = filling.location_values(form)
        writes.into_form(
            lambda: drafts.add_location(entry, values, current_user.email), form, field="country"
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400, form=form)


def subprocessor_page(entry: Subprocessor, status: int = 200, **forms):
    """The entry with every form that applies to it; `forms` replaces some with filled ones."""
    defaults = {
        "form": filling.location_form(),
        "announce_form": AnnounceForm(),
        "replace_form": AnnounceForm(prefix="replace"),
        "new_location_form": filling.location_form(prefix="new"),
        "notice_form": AnnounceForm(prefix="notice", meta={"csrf": False}),
        "purpose_form": filling.purpose_form(entry),
        "editorial_form": EditorialForm(prefix="editorial", formdata=None, obj=entry),
        "draft_form": filling.draft_form(prefix="draft", entry=entry),
        "importer_form": filling.importer_form(entry),
        "facts_forms": {
            location.id: filling.ground_facts_form(location) for location in entry.locations
        },
        "chain_form": member_form(formdata=None),
        "flow_form": FlowDownForm(prefix="flow", formdata=None, data=_flow_down(entry)),
    }
    chain_source = next(iter(watch.sources(entry.id)), None)
    defaults["source_form"] = source_form(chain_source, formdata=None)
    shown = defaults | forms
    shown["replace_form"].replaces.choices = [
        SelectChoice(str(other.id), f"{other.name} ({other.legal_name})")
        for other in subprocessors_in(SubprocessorStatus.ACTIVE)
    ]
    dpf_check = dpf_checks.check_register(entry.id)
    page = render_template(
        "admin/subprocessor.html",
        subprocessor=entry,
        dpf_check=dpf_check,
        dpf_imported_at=dpf_check.imported and clock.local_text(dpf_check.imported.imported_at),
        statuses=labels.SUBPROCESSOR_STATUSES,
        roles=labels.LOCATION_ROLES,
        derogations=labels.DEROGATIONS,
        importer_fields=IMPORTER_FIELDS,
        location_fields=LOCATION_FIELDS,
        ground_fact_fields=GROUND_FACT_FIELDS,
        chain=chain_records.chains([entry.id], Judgement(clock.today()), current_language()).get(
            entry.id
        ),
        engaged_by=chain_records.engaged_by(entry.id),
        chain_source=chain_source,
        chain_review=watch.open_review_of(entry.id),
        **shown,
    )
    return page, status


def _flow_down(entry: Subprocessor) -> dict:
    return {"clause": entry.flow_down_clause, "signed_on": entry.flow_down_signed_on}


@blueprint.post("/subprocessors/<id:subprocessor_id>/importer")
@requires(Role.EDITOR)
def record_importer_facts(subprocessor_id: int):
    """Record what a subprocessor of any status is as an importer (the DPF List as checked)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = filling.importer_form(entry, formdata=request.form)
    if form.validate_on_submit():
        values = filling.importer_values(form)
        writes.into_form(
            lambda: drafts.record_importer_facts(entry, values, current_user.email),
            form,
            field="dpf_certified",
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    return subprocessor_page(entry, status=400, importer_form=form)


@blueprint.post("/subprocessors/<id:subprocessor_id>/locations/<id:location_id>/facts")
@requires(Role.EDITOR)
def record_ground_facts(subprocessor_id: int, location_id: int):
    """Record the details of a location's ground (signature, BCRs, an occasional derogation)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    location = next((loc for loc in entry.locations if loc.id == location_id), None)
    if location is None:
        abort(404)
    form = filling.ground_facts_form(location, formdata=request.form)
    if form.validate_on_submit():
        values = drafts.LocationValues("", "", **filling.ground_fact_values(form))
        writes.into_form(
            lambda: drafts.record_ground_facts(entry, location_id, values, current_user.email),
            form,
            field="scc_decision",
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    facts_forms = {loc.id: filling.ground_facts_form(loc) for loc in entry.locations} | {
        location_id: form
    }
    return subprocessor_page(entry, status=400, facts_forms=facts_forms)


@blueprint.post("/subprocessors/<id:subprocessor_id>/announce-location")
@requires(Role.ADMIN)
def announce_location(subprocessor_id: int):
    """Announce a new processing location for an engaged subprocessor (a material change)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = filling.location_form(prefix="new")
    notice_form = AnnounceForm(prefix="notice", meta={"csrf": False})  # the location form's token
    if form.validate_on_submit() and notice_form.validate():
        answer = announce_or_preview(
            lambda: changes.announce(
                ChangeKind.NEW_LOCATION,
                entry,
                current_user.email,
                window_days=notice_form.window_days.data,
                new_location=filling.location_values(form),
            ),
            form,
            notice_form,
            field="country",
            back=url_for("admin.subprocessor", subprocessor_id=subprocessor_id),
        )
        if answer is not None:
            return answer
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    return subprocessor_page(entry, status=400, new_location_form=form, notice_form=notice_form)


@blueprint.post("/subprocessors/<id:subprocessor_id>/edit")
@requires(Role.EDITOR)
def edit_draft(subprocessor_id: int):
    """Change a proposed subprocessor's fields; it stays a draft, invisible to the public."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = filling.draft_form(prefix="draft")
    if form.validate_on_submit():
        values = filling.draft_values(form)
        writes.into_form(
            lambda: drafts.update_draft(entry, values, current_user.email), form, field="name"
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return subprocessor_page(
        db.get_or_404(Subprocessor, subprocessor_id), status=400, draft_form=form
    )


@blueprint.post("/subprocessors/<id:subprocessor_id>/locations/<id:location_id>/remove")
@requires(Role.EDITOR)
def remove_location(subprocessor_id: int, location_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    if not ConfirmForm().validate_on_submit():
        return subprocessor_page(entry, status=400)
    try:
        writes.committed(lambda: drafts.remove_location(entry, location_id, current_user.email))
    except drafts.DraftError as error:
        flash(str(error))
        return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400)
    return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))


@blueprint.post("/subprocessors/<id:subprocessor_id>/announce-purpose")
@requires(Role.ADMIN)
def announce_purpose(subprocessor_id: int):
    """Announce new purposes or data categories for an engaged subprocessor."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = filling.purpose_form(entry, formdata=request.form)
    if form.validate_on_submit():
        new_terms = changes.NewTerms(form.purposes.data, form.data_categories.data)
        answer = announce_or_preview(
            lambda: changes.announce(
                ChangeKind.NEW_PURPOSE,
                entry,
                current_user.email,
                window_days=form.window_days.data,
                new_terms=new_terms,
            ),
            form,
            field="purposes",
            back=url_for("admin.subprocessor", subprocessor_id=subprocessor_id),
        )
        if answer is not None:
            return answer
    return subprocessor_page(
        db.get_or_404(Subprocessor, subprocessor_id), status=400, purpose_form=form
    )


@blueprint.post("/subprocessors/<id:subprocessor_id>/editorial")
@requires(Role.ADMIN)
def publish_editorial(subprocessor_id: int):
    """Publish a wording fix to an engaged subprocessor's entry at once, with no window."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = EditorialForm(prefix="editorial")
    if form.validate_on_submit():
        fields = (*changes.EDITORIAL_FIELDS, *changes.IDENTITY_FIELDS)
        corrections = {name: form[name].data for name in fields}
        notice = writes.into_form(
            lambda: changes.publish_editorial(
                entry, corrections, form.reason.data, current_user.email
            ),
            form,
            field="reason",
        )
        if notice is not None:
            return redirect(url_for("public.change", notice_id=notice.id))
    return subprocessor_page(
        db.get_or_404(Subprocessor, subprocessor_id), status=400, editorial_form=form
    )
