"""The public register: the page, its CSV file and the JSON API, all from the same records."""

import itertools
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _

from registry import clock
from registry.chain import records as chain_records
from registry.errors import json_error
from registry.history import records as history
from registry.i18n import current_language
from registry.models import RecipientCategory, RegisterSnapshot, Service
from registry.notices.records import upcoming_changes
from registry.public import access, blueprint
from registry.public.forms import FILTERS, RegisterFilterForm, RegisterPageForm
from registry.public.parameters import past_the_end
from registry.register import records
from registry.register.export import register_csv, register_csv_lines
from registry.register.paging import Pagination
from registry.register.streaming import json_lines
from registry.register.transfer_records import Judgement
from registry.response_cache import keeps_this_answer
from transfers.countries import by_name


@blueprint.get("/")
def index():
    query = urlencode(list(request.args.items(multi=True)))
    # The path alone (url_for would add ?lang= again): the whole query follows it.
    return redirect(url_for(".subprocessors", lang=None) + (f"?{query}" if query else ""))


@blueprint.get("/subprocessors")
def subprocessors():
    language = current_language()
    categories = records.vocabulary(RecipientCategory, language)
    services = records.vocabulary(Service, language)
    form = RegisterPageForm(
        request.args,
        category_codes=[term.code for term in categories],
        service_codes=[term.code for term in services],
    )
    valid = form.validate()
    snapshot = _snapshot_asked(form) if valid else None
    summary = pagination = None
    shown: list[dict] = []
    if valid:
        summary = _summary(form, snapshot)
        pagination = Pagination(
            form.page.data, current_app.config["REGISTER_PAGE_SIZE"], summary.subprocessors
        )
        if not pagination.exists:
            form.page.errors.append(past_the_end(pagination.number, pagination.pages))
            valid = False
    if valid:
        # The page shows no chain (each subprocessor's own page does): none is read for it.
        shown = _records(form, access.verdicts_published(), snapshot, pagination.rows, False)
    page = render_template(
        "public/subprocessors.html",
        form=form,
        records=shown,
        summary=summary,
        pagination=pagination,
        filters=form.applied() if valid else {},
        categories=categories,
        services=services,
        countries=_country_choices(form),
        entities=records.entities(),
        upcoming=[] if snapshot else upcoming_changes(),
        updated=_updated(),
        snapshot=snapshot
        and {
            **history.reference(snapshot),
            "local": clock.local_text(snapshot.taken_at),
        },
        day=form.on.data if valid else None,
    )
    return page, 200 if valid else 400


@blueprint.get("/subprocessors.csv")
def subprocessors_csv():
    form = _filter_form_for_data()
    if not form.validate():
        return Response(form.first_error(), status=400, mimetype="text/plain")
    published = access.verdicts_published()
    snapshot = _snapshot_asked(form)
    headers = {"Content-Disposition": "attachment; filename=subprocessors.csv"}
    # The byte order mark tells spreadsheet programs that the file is UTF-8.
    if keeps_this_answer():
        # A kept answer is bytes (registry.response_cache): rendered whole, served many times.
        shown = _records(form, published, snapshot)
        body = "\ufeff" + register_csv(shown, with_verdicts=published)
        return Response(body.encode("utf-8"), mimetype="text/csv", headers=headers)
    chunks = _records_in_chunks(form, published, snapshot, _count(form, snapshot))
    lines = itertools.chain(["\ufeff"], register_csv_lines(chunks, with_verdicts=published))
    return Response(stream_with_context(lines), mimetype="text/csv", headers=headers)


@blueprint.get("/api/v1/subprocessors")
def api_subprocessors():
    """The public register as JSON, filtered as its page is.
    ---
    get:
      summary: The subprocessors on the register
      description: >-
        Every subprocessor we engage directly, by name, with its locations, each location's
        transfer and the companies down its processing chain. Countries are ISO 3166-1 alpha-2
        codes. A filter that names nothing of the register is refused with 400 and the codes
        accepted. With `on`, the register as the signed snapshot of that day recorded it
        (`snapshot`), with our entities as recorded then.
      parameters: [CountryFilter, CategoryFilter, ServiceFilter, RegisterDay]
      responses:
        200:
          description: The register, filtered.
          content:
            application/json:
              schema: SubprocessorList
        404:
          description: >-
            No register is on record for the day asked (`on`): the message says when the
            recorded history begins.
          content:
            application/json:
              schema: Error
    """
    form = _filter_form_for_data()
    if not form.validate():
        return json_error(400, form.first_error(), fields=form.errors)
    snapshot = _snapshot_asked(form)
    with_verdicts = access.api_shows_verdicts()
    if keeps_this_answer():
        # A kept answer is bytes (registry.response_cache): rendered whole, served many times.
        shown = _records(form, with_verdicts, snapshot)
        return _register_answer(form, snapshot, len(shown)) | {"subprocessors": shown}
    count = _count(form, snapshot)
    chunks = _records_in_chunks(form, with_verdicts, snapshot, count)
    answer = json_lines(_register_answer(form, snapshot, count), "subprocessors", chunks)
    return Response(stream_with_context(answer), mimetype="application/json")


def _register_answer(
    form: RegisterFilterForm, snapshot: RegisterSnapshot | None, count: int
) -> dict:
    """The API's answer around its list of subprocessors: who we are, the filters, the day."""
    latest = snapshot or history.latest_snapshot()
    return {
        "organisation": {
            "name": current_app.config["ORG_NAME"],
            "dpo_email": current_app.config["DPO_EMAIL"],
            # Our entities as the register of the day asked for recorded them.
            "entities": [
                records.entity_record(SimpleNamespace(**entity))
                for entity in sorted(
                    history.recorded(snapshot)["entities"], key=lambda entity: entity["name"]
                )
            ]
            if snapshot
            else [records.entity_record(entity) for entity in records.entities()],
        },
        "language": current_language(),
        # On a day asked for: when the register of that day last changed, its snapshot.
        "updated_at": clock.utc_text(snapshot.taken_at)
        if snapshot
        else (updated := _updated()) and updated["utc"],
        "filters": {name: form[name].data for name in FILTERS},
        # The day asked for, and the signed snapshot the register comes from (without a day:
        # the latest, which says what the register reads now).
        "on": form.on.data.isoformat() if form.on.data else None,
        "snapshot": history.reference(latest) if latest else None,
        "count": count,
    }


def _updated() -> dict | None:
    instant = records.last_updated()
    if instant is None:
        return None
    return {"utc": clock.utc_text(instant), "local": clock.local_text(instant)}


def _filter_form(categories: list, services: list) -> RegisterFilterForm:
    return RegisterFilterForm(
        request.args,
        category_codes=[term.code for term in categories],
        service_codes=[term.code for term in services],
    )


def _filter_form_for_data() -> RegisterFilterForm:
    language = current_language()
    return _filter_form(
        records.vocabulary(RecipientCategory, language), records.vocabulary(Service, language)
    )


def _snapshot_asked(form: RegisterFilterForm) -> RegisterSnapshot | None:
    """The snapshot in effect at the end of the day asked for (`on`), or None without a day.
    Aborts with 404 for a day before the recorded history begins."""
    if not form.on.data:
        return None
    snapshot = history.snapshot_on(form.on.data)
    if snapshot is None:
        abort(404, description=history_begins(form.on.data))
    return snapshot


def history_begins(day) -> str:
    """Why there is no register of `day` on record: when the recorded history begins."""
    first = history.first_snapshot()
    if first is None:
        return _(
            "No snapshot of the register was recorded yet: its history begins with the next "
            "change it publishes."
        )
    return _(
        "The register's recorded history begins on %(when)s (snapshot #%(id)s); there is no "
        "record of it on %(day)s. Ask for that day or a later one.",
        when=clock.local_text(first.taken_at),
        id=first.id,
        day=format_date(day, "long"),
    )


def _records(
    form: RegisterFilterForm,
    with_verdicts: bool,
    snapshot: RegisterSnapshot | None = None,
    rows: slice | None = None,
    with_chains: bool = True,
) -> list[dict]:
    """The matching subprocessors (those of `rows`, a page, if given), each with its
    processing chain unless `with_chains` is false (`chain`: the companies it engages, to any
    depth; the page links to them instead); verdicts only for the team. From the register now,
    or, for a day asked for, as `snapshot` recorded it, judged as of that day."""
    language = current_language()
    recorded = history.recorded(snapshot) if snapshot else None
    judgement = Judgement(form.on.data if snapshot else clock.today())
    found = records.published_records(form.register_filter(), language, judgement, recorded, rows)
    if not with_chains:
        return found if with_verdicts else access.facts_only(found)
    trees = chain_records.chains([record["id"] for record in found], judgement, language, recorded)
    found = [{**record, "chain": trees.get(record["id"], {}).get("hops", [])} for record in found]
    if with_verdicts:
        return found
    return [
        {**record, "chain": access.hops_facts_only(record["chain"])}
        for record in access.facts_only(found)
    ]


# Subprocessors read and sent at a time when a list is streamed: each chunk reads the chain
# and the vocabularies again, so a chunk is large; memory stays bounded at any size.
STREAMED_CHUNK = 1000


def _summary(form: RegisterFilterForm, snapshot: RegisterSnapshot | None):
    """What the subprocessors matching the filters count up to, without building their records:
    from the register now, or as `snapshot` recorded the day asked for."""
    recorded = history.recorded(snapshot) if snapshot else None
    day = form.on.data if snapshot else clock.today()
    return records.register_summary(form.register_filter(), day, recorded)


def _count(form: RegisterFilterForm, snapshot: RegisterSnapshot | None) -> int:
    return _summary(form, snapshot).subprocessors


def _records_in_chunks(
    form: RegisterFilterForm, with_verdicts: bool, snapshot: RegisterSnapshot | None, total: int
) -> Iterator[list[dict]]:
    """The `total` records of `_records`, a chunk at a time, so that a long list is sent as it
    is read."""
    for start in range(0, total, STREAMED_CHUNK):
        yield _records(form, with_verdicts, snapshot, slice(start, start + STREAMED_CHUNK))


def _country_choices(form: RegisterFilterForm) -> list[tuple[str, str]]:
    """The countries to offer: those on the register, and the one asked for if it is valid."""
    codes = set(records.published_countries())
    if form.country.data and not form.country.errors:
        codes.add(form.country.data)
    return by_name(codes, current_language())


@blueprint.get("/subprocessors/<id:subprocessor_id>")
def subprocessor(subprocessor_id: int):
    found = records.published_records(
        records.RegisterFilter(subprocessor_id=subprocessor_id), current_language()
    )
    if not access.verdicts_published():
        found = access.facts_only(found)
    if not found:
        abort(
            404,
            description=_(
                "There is no subprocessor with number %(id)s on the register.", id=subprocessor_id
            ),
        )
    judgement = Judgement(clock.today())
    chain = chain_records.chains([subprocessor_id], judgement, current_language()).get(
        subprocessor_id, {"hops": [], "weakest": None}
    )
    hops = chain["hops"] if access.verdicts_published() else access.hops_facts_only(chain["hops"])
    return render_template(
        "public/subprocessor.html",
        record=found[0],
        hops=hops,
        engaged_by=chain_records.engaged_by(subprocessor_id),
    )
