"""The public register: the page, its CSV file and the JSON API, all from the same records."""

from flask import Response, redirect, render_template, request, url_for

from registry import register
from registry.errors import json_error
from registry.i18n import current_language
from registry.models import RecipientCategory, Service
from registry.public import blueprint
from registry.public.export import register_csv
from registry.public.forms import RegisterFilterForm
from transfers.countries import by_name


@blueprint.get("/")
def index():
    return redirect(url_for(".subprocessors", **request.args))


@blueprint.get("/subprocessors")
def subprocessors():
    categories = register.vocabulary(RecipientCategory)
    services = register.vocabulary(Service)
    form = _filter_form(categories, services)
    valid = form.validate()
    records = _records(form) if valid else []
    page = render_template(
        "public/subprocessors.html",
        form=form,
        records=records,
        summary=register.summarise(records),
        categories=categories,
        services=services,
        countries=_country_choices(form),
        entities=register.entities(),
    )
    return page, 200 if valid else 400


@blueprint.get("/subprocessors.csv")
def subprocessors_csv():
    form = _filter_form(register.vocabulary(RecipientCategory), register.vocabulary(Service))
    if not form.validate():
        return Response(_first_error(form), status=400, mimetype="text/plain")
    # The byte order mark tells spreadsheet programs that the file is UTF-8.
    body = "\ufeff" + register_csv(_records(form))
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=subprocessors.csv"},
    )


@blueprint.get("/api/v1/subprocessors")
def api_subprocessors():
    form = _filter_form(register.vocabulary(RecipientCategory), register.vocabulary(Service))
    if not form.validate():
        return json_error(400, _first_error(form), fields=form.errors)
    records = _records(form)
    return {
        "language": current_language(),
        "filters": {name: form[name].data for name in ("country", "category", "service")},
        "count": len(records),
        "subprocessors": records,
    }


def _filter_form(categories: list, services: list) -> RegisterFilterForm:
    return RegisterFilterForm(
        request.args,
        category_codes=[term.code for term in categories],
        service_codes=[term.code for term in services],
    )


def _records(form: RegisterFilterForm) -> list[dict]:
    return register.published_records(form.register_filter(), current_language())


def _country_choices(form: RegisterFilterForm) -> list[tuple[str, str]]:
    """The countries to offer: those on the register, and the one asked for if it is valid."""
    codes = set(register.published_countries())
    if form.country.data and not form.country.errors:
        codes.add(form.country.data)
    return by_name(codes, current_language())


def _first_error(form: RegisterFilterForm) -> str:
    return next(message for messages in form.errors.values() for message in messages)
