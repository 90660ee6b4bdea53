"""Drafting subprocessors in the admin area: editors and admins write, every role reads."""

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from registry import changes, drafts, labels
from registry.admin import blueprint, requires
from registry.admin.change_views import subprocessors_in
from registry.admin.forms import AnnounceForm, DraftSubprocessorForm, LocationForm
from registry.extensions import db
from registry.i18n import current_language
from registry.models import (
    ChangeKind,
    DataCategory,
    DataSubjectCategory,
    Entity,
    LocationRole,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.accounts import Role
from transfers import adequacy
from transfers.countries import by_name, countries_assigned
from transfers.grounds import SccModule, TransferTool
from transfers.measures import catalogue

NOT_CHOSEN = SelectChoice("", "—")


@blueprint.get("/subprocessors/new")
@requires(Role.EDITOR)
def new_subprocessor():
    return render_template("admin/subprocessor_new.html", form=_draft_form())


@blueprint.post("/subprocessors")
@requires(Role.EDITOR)
def create_subprocessor():
    form = _draft_form()
    if form.validate_on_submit():
        values = drafts.DraftValues(
            name=form.name.data, legal_name=form.legal_name.data, address=form.address.data,
            country=form.country.data, website=form.website.data,
            recipient_category_id=int(form.recipient_category.data),
            purpose_ids=_ids(form.purposes), service_ids=_ids(form.services),
            data_category_ids=_ids(form.data_categories),
            data_subject_category_ids=_ids(form.data_subject_categories),
            entity_ids=_ids(form.entities), dpf_certified=form.dpf_certified.data,
            subject_to_pipeda=form.subject_to_pipeda.data,
        )  # fmt: skip
        try:
            subprocessor = drafts.create_draft(values, current_user.email)
        except drafts.DraftError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("admin.subprocessor", subprocessor_id=subprocessor.id))
    return render_template("admin/subprocessor_new.html", form=form), 400


@blueprint.get("/subprocessors/<int(max=2147483647):subprocessor_id>")
def subprocessor(subprocessor_id: int):
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), _location_form())


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/locations")
@requires(Role.EDITOR)
def add_location(subprocessor_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _location_form()
    if form.validate_on_submit():
        try:
            drafts.add_location(entry, _location_values(form), current_user.email)
        except drafts.DraftError as error:
            form.country.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return _subprocessor_page(entry, form, status=400)


def _subprocessor_page(
    entry: Subprocessor,
    form: LocationForm,
    new_location_form: LocationForm | None = None,
    notice_form: AnnounceForm | None = None,
    status: int = 200,
):
    replace_form = AnnounceForm(prefix="replace")
    replace_form.replaces.choices = [
        SelectChoice(str(other.id), other.name)
        for other in subprocessors_in(SubprocessorStatus.ACTIVE)
    ]
    page = render_template(
        "admin/subprocessor.html",
        subprocessor=entry,
        form=form,
        announce_form=AnnounceForm(),
        replace_form=replace_form,
        new_location_form=new_location_form or _location_form(prefix="new"),
        notice_form=notice_form or AnnounceForm(prefix="notice", meta={"csrf": False}),
        statuses=labels.SUBPROCESSOR_STATUSES,
        roles=labels.LOCATION_ROLES,
    )
    return page, status


def _draft_form() -> DraftSubprocessorForm:
    form = DraftSubprocessorForm()
    language = current_language()
    form.country.choices = _countries(language)
    form.recipient_category.choices = _terms(RecipientCategory, language)
    form.purposes.choices = _terms(Purpose, language)
    form.services.choices = _terms(Service, language)
    form.data_categories.choices = _terms(DataCategory, language)
    form.data_subject_categories.choices = _terms(DataSubjectCategory, language)
    form.entities.choices = [
        SelectChoice(str(entity.id), entity.name)
        for entity in db.session.scalars(sa.select(Entity).order_by(Entity.name))
    ]
    return form


def _location_form(prefix: str = "") -> LocationForm:
    form = LocationForm(prefix=prefix)
    language = current_language()
    form.country.choices = _countries(language)
    form.role.choices = [SelectChoice(role.value, str(labels.LOCATION_ROLES[role]))
                         for role in LocationRole]  # fmt: skip
    form.transfer_tool.choices = [NOT_CHOSEN] + [
        SelectChoice(tool.value, str(labels.TRANSFER_TOOLS[tool])) for tool in TransferTool
    ]
    form.adequacy_decision.choices = [NOT_CHOSEN] + [
        SelectChoice(entry.number, f"{entry.number} · {entry.name}")
        for entry in adequacy.decisions()
    ]
    form.scc_module.choices = [NOT_CHOSEN] + [
        SelectChoice(str(int(module)), str(labels.SCC_MODULES[module])) for module in SccModule
    ]
    form.measures.choices = [SelectChoice(code, f"{code} · {entry.title(language)}")
                             for code, entry in catalogue().items()]  # fmt: skip
    return form


def _countries(language: str) -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in by_name(countries_assigned(), language)]


def _terms(model, language: str) -> list[SelectChoice]:
    terms = db.session.scalars(sa.select(model)).all()
    return [SelectChoice(str(term.id), term.label(language))
            for term in sorted(terms, key=lambda term: term.label(language))]  # fmt: skip


def _ids(field) -> list[int]:
    return [int(value) for value in field.data]


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/announce-location")
@requires(Role.ADMIN)
def announce_location(subprocessor_id: int):
    """Announce a new processing location for an engaged subprocessor (a material change)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _location_form(prefix="new")
    notice_form = AnnounceForm(prefix="notice", meta={"csrf": False})  # the location form's token
    if form.validate_on_submit() and notice_form.validate():
        try:
            notice = changes.announce(
                ChangeKind.NEW_LOCATION, entry, current_user.email,
                window_days=notice_form.window_days.data,
                emergency_reason=notice_form.emergency_reason.data,
                new_location=_location_values(form),
            )  # fmt: skip
        except changes.ChangeError as error:
            form.country.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("public.change", notice_id=notice.id))
    return _subprocessor_page(entry, _location_form(), new_location_form=form,
                              notice_form=notice_form, status=400)  # fmt: skip


def _location_values(form: LocationForm) -> drafts.LocationValues:
    return drafts.LocationValues(
        country=form.country.data, role=form.role.data, city=form.city.data,
        transfer_tool=form.transfer_tool.data or None,
        adequacy_decision=form.adequacy_decision.data or None,
        scc_module=int(form.scc_module.data) if form.scc_module.data else None,
        measures=form.measures.data,
    )  # fmt: skip
