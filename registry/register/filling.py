"""The admin's register forms, filled from what is recorded and read back into the services'
values: the choices each select offers, in the reader's language."""

from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from registry import clock, labels
from registry.admin.forms import NewPurposeForm
from registry.extensions import db
from registry.i18n import current_language
from registry.models import (
    DataCategory,
    DataSubjectCategory,
    Entity,
    LocationRole,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
)
from registry.notices.kinds import EXTENDABLE_TERMS
from registry.register import drafts
from registry.register.forms import (
    GROUND_FACT_FIELDS,
    IMPORTER_FIELDS,
    DraftSubprocessorForm,
    GroundFactsForm,
    ImporterForm,
    LocationForm,
)
from transfers import adequacy
from transfers.countries import by_name, countries_assigned
from transfers.grounds import SccDecision, SccModule, TransferTool
from transfers.measures import catalogue

NOT_CHOSEN = SelectChoice("", "—")


def draft_form(prefix: str = "", entry: Subprocessor | None = None) -> DraftSubprocessorForm:
    """The draft's form, empty or (given `entry`) filled with the entry as it stands."""
    if entry is None:
        form = DraftSubprocessorForm(prefix=prefix)
    else:  # not the posted data of another form on the page
        form = DraftSubprocessorForm(prefix=prefix, formdata=None, data=draft_data(entry))
    language = current_language()
    form.country.choices = [NOT_CHOSEN, *countries(language)]
    form.recipient_category.choices = terms(RecipientCategory, language)
    form.purposes.choices = terms(Purpose, language)
    form.services.choices = terms(Service, language)
    form.data_categories.choices = terms(DataCategory, language)
    form.data_subject_categories.choices = terms(DataSubjectCategory, language)
    form.entities.choices = [
        SelectChoice(str(entity.id), entity.name)
        for entity in db.session.scalars(sa.select(Entity).order_by(Entity.name))
    ]
    form.dpf_scope.choices = choices(labels.DPF_SCOPES)
    return form


def draft_data(entry: Subprocessor) -> dict:
    return {
        "name": entry.name,
        "legal_name": entry.legal_name,
        "address": entry.address,
        "country": entry.country_code,
        "website": entry.website,
        "recipient_category": str(entry.recipient_category_id),
        "purposes": [str(term.id) for term in entry.purposes],
        "services": [str(term.id) for term in entry.services],
        "data_categories": [str(term.id) for term in entry.data_categories],
        "data_subject_categories": [str(term.id) for term in entry.data_subject_categories],
        "entities": [str(entity.id) for entity in entry.entities],
        "dpf_certified": entry.dpf_certified,
        "subject_to_pipeda": entry.subject_to_pipeda,
        "dpf_listed_name": entry.dpf_listed_name,
        "dpf_scope": entry.dpf_scope.value if entry.dpf_scope else "",
        "dpf_verified_on": entry.dpf_verified_on,
        "dpf_recertification_due": entry.dpf_recertification_due,
        "subject_to_gdpr_art_3_2": entry.subject_to_gdpr_art_3_2,
        "hr_data": entry.hr_data,
    }


def draft_values(form: DraftSubprocessorForm) -> drafts.DraftValues:
    return drafts.DraftValues(
        name=form.name.data,
        legal_name=form.legal_name.data,
        address=form.address.data,
        country=form.country.data,
        website=form.website.data,
        recipient_category_id=int(form.recipient_category.data),
        purpose_ids=ids(form.purposes),
        service_ids=ids(form.services),
        data_category_ids=ids(form.data_categories),
        data_subject_category_ids=ids(form.data_subject_categories),
        entity_ids=ids(form.entities),
        importer=importer_values(form),
    )


def importer_values(form: ImporterForm) -> drafts.ImporterValues:
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


def importer_form(entry: Subprocessor, formdata=None) -> ImporterForm:
    """The importer's facts as recorded, or as posted in `formdata`."""
    data = {name: value for name, value in draft_data(entry).items() if name in IMPORTER_FIELDS}
    form = ImporterForm(prefix="importer", formdata=formdata, data=data)
    form.dpf_scope.choices = choices(labels.DPF_SCOPES)
    return form


def choices(words: dict) -> list[SelectChoice]:
    """A choice per enum member, by value, after "not chosen"."""
    return [NOT_CHOSEN] + [SelectChoice(member.value, str(word)) for member, word in words.items()]


def purpose_form(entry: Subprocessor, formdata=None) -> NewPurposeForm:
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


def ground_facts_form(location, formdata=None) -> GroundFactsForm:
    """The details of a location's ground as recorded, or as posted in `formdata`."""
    data = {name: getattr(location, name) for name in GROUND_FACT_FIELDS}
    for name in ("scc_decision", "bcr_kind", "derogation"):
        data[name] = data[name].value if data[name] else ""
    data["bcr_importer_bound"] = {True: "yes", False: "no"}.get(location.bcr_importer_bound, "")
    form = GroundFactsForm(prefix=f"facts-{location.id}", formdata=formdata, data=data)
    ground_fact_choices(form)
    return form


def ground_fact_choices(form: GroundFactsForm) -> None:
    form.scc_decision.choices = [NOT_CHOSEN] + [
        SelectChoice(decision.value, decision.value) for decision in SccDecision
    ]
    form.bcr_kind.choices = choices(labels.BCR_KINDS)
    form.bcr_importer_bound.choices = [
        NOT_CHOSEN,
        SelectChoice("yes", _("Yes")),
        SelectChoice("no", _("No")),
    ]
    form.derogation.choices = choices(labels.DEROGATIONS)


def location_form(prefix: str = "") -> LocationForm:
    form = LocationForm(prefix=prefix)
    language = current_language()
    form.country.choices = countries(language)
    form.role.choices = [
        SelectChoice(role.value, str(labels.LOCATION_ROLES[role])) for role in LocationRole
    ]
    form.transfer_tool.choices = [NOT_CHOSEN] + [
        SelectChoice(tool.value, str(labels.TRANSFER_TOOLS[tool])) for tool in TransferTool
    ]
    form.adequacy_decision.choices = adequacy_choices()
    form.scc_module.choices = [NOT_CHOSEN] + [
        SelectChoice(str(int(module)), str(labels.SCC_MODULES[module])) for module in SccModule
    ]
    form.measures.choices = [
        SelectChoice(code, f"{code} · {entry.title(language)}")
        for code, entry in catalogue().items()
    ]
    ground_fact_choices(form)
    return form


def adequacy_choices() -> dict[str, list[SelectChoice]]:
    """The adequacy decisions, those in force today first; the others kept for the record and
    marked with how and when they ended (invalidated, replaced, expired)."""
    today = clock.today()
    in_force, ended = [], []
    for entry in adequacy.decisions():
        label = f"{entry.number} · {entry.name}"
        if entry.is_amendment or adequacy.in_force_for(entry.number, today):
            in_force.append(SelectChoice(entry.number, label))
            continue
        how = labels.DECISION_ENDS.get(entry.ended_kind, _("no longer in force"))
        ended.append(SelectChoice(entry.number, f"{label} — {how} {entry.ended or ''}".strip()))
    return {
        "": [NOT_CHOSEN],
        _("In force today"): in_force,
        _("No longer in force: for the record only"): ended,
    }


def countries(language: str) -> list[SelectChoice]:
    return list(_countries(language))


@cache
def _countries(language: str) -> tuple[SelectChoice, ...]:
    """Every country in `language`, in its alphabetical order: made once per language (ISO
    3166-1 and the names do not change while the process runs)."""
    return tuple(SelectChoice(code, name) for code, name in by_name(countries_assigned(), language))


def terms(model, language: str) -> list[SelectChoice]:
    terms = db.session.scalars(sa.select(model)).all()
    return [
        SelectChoice(str(term.id), term.label(language))
        for term in sorted(terms, key=lambda term: term.label(language))
    ]


def ids(field) -> list[int]:
    return [int(value) for value in field.data]


def location_values(form: LocationForm) -> drafts.LocationValues:
    return drafts.LocationValues(
        country=form.country.data,
        role=form.role.data,
        city=form.city.data,
        transfer_tool=form.transfer_tool.data or None,
        adequacy_decision=form.adequacy_decision.data or None,
        scc_module=int(form.scc_module.data) if form.scc_module.data else None,
        measures=form.measures.data,
        **ground_fact_values(form),
    )


def ground_fact_values(form: GroundFactsForm) -> dict:
    """The ground's details as LocationValues takes them: text, ISO days, booleans."""
    return {
        **{name: form[name].data or None for name in LOCATION_TEXTS},
        **{name: iso(form[name].data) for name in LOCATION_DAYS},
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


def iso(day) -> str | None:
    return day.isoformat() if day else None
