"""Drafting subprocessors in the admin area: editors and admins write, every role reads."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from registry import changes, drafts, labels, writes
from registry.admin import blueprint, requires
from registry.admin.change_views import subprocessors_in
from registry.admin.forms import AnnounceForm, ConfirmForm, EditorialForm, NewPurposeForm
from registry.admin.register_forms import (
    GROUND_FACT_FIELDS,
    IMPORTER_FIELDS,
    LOCATION_FIELDS,
    DraftSubprocessorForm,
    GroundFactsForm,
    ImporterForm,
    LocationForm,
)
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
from registry.notices.kinds import EXTENDABLE_TERMS
from transfers import adequacy
from transfers.countries import by_name, countries_assigned
from transfers.grounds import SccDecision, SccModule, TransferTool
from transfers.measures import catalogue

NOT_CHOSEN = SelectChoice("", "—")


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
        form=_draft_form(entry=predecessor),
        importer_fields=IMPORTER_FIELDS,
    )


@blueprint.post("/subprocessors")
@requires(Role.EDITOR)
def create_subprocessor():
    form = _draft_form()
    if form.validate_on_submit():
        values = _draft_values(form)
        subprocessor = writes.into_form(
            lambda: drafts.create_draft(values, current_user.email), form, field="name"
        )
        if subprocessor is not None:
            return redirect(url_for("admin.subprocessor", subprocessor_id=subprocessor.id))
    page = render_template(
        "admin/subprocessor_new.html", form=form, importer_fields=IMPORTER_FIELDS
    )
    return page, 400


@blueprint.get("/subprocessors/<int(max=2147483647):subprocessor_id>")
def subprocessor(subprocessor_id: int):
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id))


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/locations")
@requires(Role.EDITOR)
def add_location(subprocessor_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _location_form()
    if form.validate_on_submit():
        values = _location_values(form)
        writes.into_form(
            lambda: drafts.add_location(entry, values, current_user.email), form, field="country"
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400, form=form)


def _subprocessor_page(entry: Subprocessor, status: int = 200, **forms):
    """The entry with every form that applies to it; `forms` replaces some with filled ones."""
    replace_form = AnnounceForm(prefix="replace")
    replace_form.replaces.choices = [
        SelectChoice(str(other.id), f"{other.name} ({other.legal_name})")
        for other in subprocessors_in(SubprocessorStatus.ACTIVE)
    ]
    defaults = {
        "form": _location_form(),
        "announce_form": AnnounceForm(),
        "replace_form": replace_form,
        "new_location_form": _location_form(prefix="new"),
        "notice_form": AnnounceForm(prefix="notice", meta={"csrf": False}),
        "purpose_form": _purpose_form(entry),
        "editorial_form": EditorialForm(prefix="editorial", formdata=None, obj=entry),
        "draft_form": _draft_form(prefix="draft", entry=entry),
        "importer_form": _importer_form(entry),
        "facts_forms": {location.id: _ground_facts_form(location) for location in entry.locations},
    }
    page = render_template(
        "admin/subprocessor.html",
        subprocessor=entry,
        statuses=labels.SUBPROCESSOR_STATUSES,
        roles=labels.LOCATION_ROLES,
        derogations=labels.DEROGATIONS,
        importer_fields=IMPORTER_FIELDS,
        location_fields=LOCATION_FIELDS,
        ground_fact_fields=GROUND_FACT_FIELDS,
        **(defaults | forms),
    )
    return page, status


def _draft_form(prefix: str = "", entry: Subprocessor | None = None) -> DraftSubprocessorForm:
    """The draft's form, empty or (given `entry`) filled with the entry as it stands."""
    if entry is None:
        form = DraftSubprocessorForm(prefix=prefix)
    else:  # not the posted data of another form on the page
        form = DraftSubprocessorForm(prefix=prefix, formdata=None, data=_draft_data(entry))
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
    form.dpf_scope.choices = _choices(labels.DPF_SCOPES)
    return form


def _draft_data(entry: Subprocessor) -> dict:
    return {
        "name": entry.name, "legal_name": entry.legal_name, "address": entry.address,
        "country": entry.country_code, "website": entry.website,
        "recipient_category": str(entry.recipient_category_id),
        "purposes": [str(term.id) for term in entry.purposes],
        "services": [str(term.id) for term in entry.services],
        "data_categories": [str(term.id) for term in entry.data_categories],
        "data_subject_categories": [str(term.id) for term in entry.data_subject_categories],
        "entities": [str(entity.id) for entity in entry.entities],
        "dpf_certified": entry.dpf_certified, "subject_to_pipeda": entry.subject_to_pipeda,
        "dpf_listed_name": entry.dpf_listed_name,
        "dpf_scope": entry.dpf_scope.value if entry.dpf_scope else "",
        "dpf_verified_on": entry.dpf_verified_on,
        "dpf_recertification_due": entry.dpf_recertification_due,
        "subject_to_gdpr_art_3_2": entry.subject_to_gdpr_art_3_2, "hr_data": entry.hr_data,
    }  # fmt: skip


def _draft_values(form: DraftSubprocessorForm) -> drafts.DraftValues:
    return drafts.DraftValues(
        name=form.name.data, legal_name=form.legal_name.data, address=form.address.data,
        country=form.country.data, website=form.website.data,
        recipient_category_id=int(form.recipient_category.data),
        purpose_ids=_ids(form.purposes), service_ids=_ids(form.services),
        data_category_ids=_ids(form.data_categories),
        data_subject_category_ids=_ids(form.data_subject_categories),
        entity_ids=_ids(form.entities), importer=_importer_values(form),
    )  # fmt: skip


def _importer_values(form: ImporterForm) -> drafts.ImporterValues:
    return drafts.ImporterValues(
        dpf_certified=form.dpf_certified.data,
        subject_to_pipeda=form.subject_to_pipeda.data,
        dpf_listed_name=form.dpf_listed_name.data,
        dpf_scope=form.dpf_scope.data or None,
        dpf_verified_on=form.dpf_verified_on.data,
        dpf_recertification_due=form.dpf_recertification_due.data,
        subject_to_gdpr_art_3_2=form.subject_to_gdpr_art_3_2.data,
        hr_data=form.hr_data.data,
    )


def _importer_form(entry: Subprocessor, formdata=None) -> ImporterForm:
    """The importer's facts as recorded, or as posted in `formdata`."""
    data = {name: value for name, value in _draft_data(entry).items() if name in IMPORTER_FIELDS}
    form = ImporterForm(prefix="importer", formdata=formdata, data=data)
    form.dpf_scope.choices = _choices(labels.DPF_SCOPES)
    return form


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/importer")
@requires(Role.EDITOR)
def record_importer_facts(subprocessor_id: int):
    """Record what a subprocessor of any status is as an importer (the DPF List as checked)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _importer_form(entry, formdata=request.form)
    if form.validate_on_submit():
        values = _importer_values(form)
        writes.into_form(
            lambda: drafts.record_importer_facts(entry, values, current_user.email),
            form,
            field="dpf_certified",
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    return _subprocessor_page(entry, status=400, importer_form=form)


def _choices(words: dict) -> list[SelectChoice]:
    """A choice per enum member, by value, after "not chosen"."""
    return [NOT_CHOSEN] + [SelectChoice(member.value, str(word)) for member, word in words.items()]


def _purpose_form(entry: Subprocessor, formdata=None) -> NewPurposeForm:
    """Offers the purposes and data categories the entry does not hold yet, by code; filled
    from `formdata` when given."""
    form = NewPurposeForm(prefix="purpose", formdata=formdata)
    language = current_language()
    for key, model in EXTENDABLE_TERMS.items():
        held = {term.id for term in getattr(entry, key)}
        terms = [t for t in db.session.scalars(sa.select(model)) if t.id not in held]
        terms.sort(key=lambda term: term.label(language))
        form[key].choices = [SelectChoice(term.code, term.label(language)) for term in terms]
    return form


def _ground_facts_form(location, formdata=None) -> GroundFactsForm:
    """The details of a location's ground as recorded, or as posted in `formdata`."""
    data = {name: getattr(location, name) for name in GROUND_FACT_FIELDS}
    for name in ("scc_decision", "bcr_kind", "derogation"):
        data[name] = data[name].value if data[name] else ""
    data["bcr_importer_bound"] = {True: "yes", False: "no"}.get(location.bcr_importer_bound, "")
    form = GroundFactsForm(prefix=f"facts-{location.id}", formdata=formdata, data=data)
    _ground_fact_choices(form)
    return form


def _ground_fact_choices(form: GroundFactsForm) -> None:
    form.scc_decision.choices = [NOT_CHOSEN] + [
        SelectChoice(decision.value, decision.value) for decision in SccDecision
    ]
    form.bcr_kind.choices = _choices(labels.BCR_KINDS)
    form.bcr_importer_bound.choices = [
        NOT_CHOSEN,
        SelectChoice("yes", _("Yes")),
        SelectChoice("no", _("No")),
    ]
    form.derogation.choices = _choices(labels.DEROGATIONS)


@blueprint.post(
    "/subprocessors/<int(max=2147483647):subprocessor_id>/locations/"
    "<int(max=2147483647):location_id>/facts"
)
@requires(Role.EDITOR)
def record_ground_facts(subprocessor_id: int, location_id: int):
    """Record the details of a location's ground (signature, BCRs, an occasional derogation)."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    location = next((loc for loc in entry.locations if loc.id == location_id), None)
    if location is None:
        abort(404)
    form = _ground_facts_form(location, formdata=request.form)
    if form.validate_on_submit():
        values = drafts.LocationValues("", "", **_ground_fact_values(form))
        writes.into_form(
            lambda: drafts.record_ground_facts(entry, location_id, values, current_user.email),
            form,
            field="scc_decision",
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    facts_forms = {loc.id: _ground_facts_form(loc) for loc in entry.locations} | {location_id: form}
    return _subprocessor_page(entry, status=400, facts_forms=facts_forms)


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
    _ground_fact_choices(form)
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
        notice = writes.into_form(
            lambda: changes.announce(
                ChangeKind.NEW_LOCATION,
                entry,
                current_user.email,
                window_days=notice_form.window_days.data,
                new_location=_location_values(form),
            ),
            form,
            notice_form,
            field="country",
        )
        if notice is not None:
            return redirect(url_for("public.change", notice_id=notice.id))
    return _subprocessor_page(entry, status=400, new_location_form=form, notice_form=notice_form)


def _location_values(form: LocationForm) -> drafts.LocationValues:
    return drafts.LocationValues(
        country=form.country.data, role=form.role.data, city=form.city.data,
        transfer_tool=form.transfer_tool.data or None,
        adequacy_decision=form.adequacy_decision.data or None,
        scc_module=int(form.scc_module.data) if form.scc_module.data else None,
        measures=form.measures.data, **_ground_fact_values(form),
    )  # fmt: skip


def _ground_fact_values(form: GroundFactsForm) -> dict:
    """The ground's details as LocationValues takes them: text, ISO days, booleans."""
    return {
        **{name: form[name].data or None for name in LOCATION_TEXTS},
        **{name: _iso(form[name].data) for name in LOCATION_DAYS},
        "derogation_occasional": form.derogation_occasional.data,
        "bcr_importer_bound": {"yes": True, "no": False}.get(form.bcr_importer_bound.data),
    }


# The location form's fields given as text (choices included) and as days.
LOCATION_TEXTS = (
    "recipient_protection",
    "scc_decision",
    "derogation",
    "derogation_justification",
    "derogation_occasional_reason",
    "bcr_group",
    "bcr_kind",
    "bcr_lead_authority",
)
LOCATION_DAYS = (
    "scc_signed_on",
    "authority_informed_on",
    "data_subjects_informed_on",
    "bcr_approved_on",
)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/edit")
@requires(Role.EDITOR)
def edit_draft(subprocessor_id: int):
    """Change a proposed subprocessor's fields; it stays a draft, invisible to the public."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _draft_form(prefix="draft")
    if form.validate_on_submit():
        values = _draft_values(form)
        writes.into_form(
            lambda: drafts.update_draft(entry, values, current_user.email), form, field="name"
        )
        if not form.errors:
            return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400,
                              draft_form=form)  # fmt: skip


@blueprint.post(
    "/subprocessors/<int(max=2147483647):subprocessor_id>/locations/"
    "<int(max=2147483647):location_id>/remove"
)
@requires(Role.EDITOR)
def remove_location(subprocessor_id: int, location_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    if not ConfirmForm().validate_on_submit():
        return _subprocessor_page(entry, status=400)
    try:
        writes.committed(lambda: drafts.remove_location(entry, location_id, current_user.email))
    except drafts.DraftError as error:
        flash(str(error))
        return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400)
    return redirect(url_for("admin.subprocessor", subprocessor_id=entry.id))


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/announce-purpose")
@requires(Role.ADMIN)
def announce_purpose(subprocessor_id: int):
    """Announce new purposes or data categories for an engaged subprocessor."""
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = _purpose_form(entry, formdata=request.form)
    if form.validate_on_submit():
        new_terms = changes.NewTerms(form.purposes.data, form.data_categories.data)
        notice = writes.into_form(
            lambda: changes.announce(
                ChangeKind.NEW_PURPOSE,
                entry,
                current_user.email,
                window_days=form.window_days.data,
                new_terms=new_terms,
            ),
            form,
            field="purposes",
        )
        if notice is not None:
            return redirect(url_for("public.change", notice_id=notice.id))
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400,
                              purpose_form=form)  # fmt: skip


@blueprint.post("/subprocessors/<int(max=2147483647):subprocessor_id>/editorial")
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
    return _subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), status=400,
                              editorial_form=form)  # fmt: skip
