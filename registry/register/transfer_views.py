"""Where data goes: the /transfers page and its map, and the countries and transfers API.

Each takes `on=YYYY-MM-DD` (today by default) and `assume_ended=<decision>`, repeatable: the
decision is treated as ended from that day, for a what-if such as "the DPF falls".
"""

from flask import Response, current_app, render_template, request, url_for

from registry import clock, labels
from registry.chain import records as chain_records
from registry.errors import json_error
from registry.history import records as history
from registry.i18n import current_language
from registry.public import access, blueprint
from registry.public.parameters import (
    BadParameter,
    past_the_end,
    read_country,
    read_judgement,
    read_page,
)
from registry.register import records
from registry.register.paging import Pagination
from registry.register.transfer_records import Judgement, decision_record, verdict_counts
from registry.register.world_map import world_map
from transfers import adequacy
from transfers.adequacy import CountryStatus
from transfers.countries import (
    by_name,
    country_name,
)


@blueprint.get("/api/v1/countries/<code>")
def api_country(code: str):
    """A country's status for transfers on a day.
    ---
    get:
      summary: A country's status
      description: >-
        Whether the country is in the EEA, covered by an adequacy decision (in full or in
        part) or a third country on the day asked, and the decision that gives its status.
      parameters:
        - in: path
          name: code
          required: true
          description: ISO 3166-1 alpha-2 code, in any case.
          schema: CountryCode
        - Day
        - AssumeEnded
      responses:
        200:
          description: The country's status.
          content:
            application/json:
              schema: CountryStatus
        404: NotFound
    """
    try:
        judgement = read_judgement(request.args)
        country = read_country(code)
    except BadParameter as error:
        return json_error(400, str(error))
    result = adequacy.status(country, judgement.day, judgement.assume_ended)
    return {
        "code": country,
        "name": country_name(country, current_language()),
        "on": judgement.day.isoformat(),
        "status": result.status.value,
        "decision": decision_record(result.decision) if result.decision else None,
    }


@blueprint.get("/api/v1/transfers")
def api_transfers():
    """Every transfer of the register, judged on a day.
    ---
    get:
      summary: The transfers
      description: >-
        Every location of every subprocessor, then every location down their processing
        chains (`onward`), with the country's status, the ground and the measures; the
        verdicts and their counts only where verdicts are shown. For a past day since the
        recorded history began, the register as the signed snapshot in effect at the end of
        that day recorded it (`snapshot`); for today, a day to come (a what-if) or a day
        before the history, the register as it reads now.
      parameters: [Day, AssumeEnded]
      responses:
        200:
          description: The transfers.
          content:
            application/json:
              schema: TransferList
    """
    try:
        judgement = read_judgement(request.args)
    except BadParameter as error:
        return json_error(400, str(error))
    snapshot = history.register_on(judgement.day)
    listed = chain_records.transfers_with_onward(
        judgement, current_language(), snapshot and history.recorded(snapshot)
    )
    answer = {
        "on": judgement.day.isoformat(),
        "assume_ended": sorted(judgement.assume_ended or {}),
        # The register as the snapshot of that day recorded it; null: as it reads now.
        "snapshot": history.reference(snapshot) if snapshot else None,
        "count": len(listed),
    }
    if not access.api_shows_verdicts():
        return answer | {"transfers": [access.location_facts(entry) for entry in listed]}
    return answer | {"verdicts": verdict_counts(listed), "transfers": listed}


@blueprint.get("/transfers")
def transfers_page():
    try:
        judgement, error = read_judgement(request.args), None
    except BadParameter as bad:
        judgement, error = Judgement(clock.today()), str(bad)
    snapshot = history.register_on(judgement.day)
    listed = chain_records.transfers_with_onward(
        judgement, current_language(), snapshot and history.recorded(snapshot)
    )
    published = access.verdicts_published()
    if not published:
        listed = [access.location_facts(entry) for entry in listed]
    outside = [entry for entry in listed if entry["transfer"]["status"] != "eea"]
    pagination, page_error = _pagination(len(outside))
    page = render_template(
        "public/transfers.html",
        judgement=judgement,
        error=error or page_error,
        groups=_by_status(listed),
        transfers=outside[pagination.rows],
        pagination=pagination,
        asked={name: request.args.getlist(name) for name in ASKED if request.args.getlist(name)},
        verdicts=verdict_counts(listed) if published else None,
        decisions=_what_if_choices(judgement),
        snapshot=snapshot
        and {
            **history.reference(snapshot),
            "local": clock.local_text(snapshot.taken_at),
        },
        history_begins=history.begins_after(judgement.day, snapshot),
        map_url=url_for(
            ".transfers_map",
            on=judgement.day.isoformat(),
            assume_ended=sorted(judgement.assume_ended or {}),
            lang=current_language(),
        ),
    )
    return page, 400 if error or page_error else 200


# What the pager's links keep of the address: the day and the what-if.
ASKED = ("on", "assume_ended")


def _pagination(total: int) -> tuple[Pagination, str | None]:
    """The page of the transfers out of the EEA asked for, and what is wrong with the `page`
    asked, if anything: then the first page is shown with the message."""
    size = current_app.config["REGISTER_PAGE_SIZE"]
    try:
        pagination = Pagination(read_page(request.args), size, total)
    except BadParameter as bad:
        return Pagination(1, size, total), str(bad)
    if not pagination.exists:
        return Pagination(1, size, total), past_the_end(pagination.number, pagination.pages)
    return pagination, None


@blueprint.get("/transfers/map.svg")
def transfers_map():
    try:
        judgement = read_judgement(request.args)
    except BadParameter as error:
        return Response(str(error), status=400, mimetype="text/plain")
    # The map needs only each country's status, not every transfer judged.
    snapshot = history.register_on(judgement.day)
    countries = tuple(
        sorted(
            (code, adequacy.status(code, judgement.day, judgement.assume_ended).status.value)
            for code in records.published_countries(snapshot and history.recorded(snapshot))
        )
    )
    legend = tuple(str(labels.COUNTRY_STATUSES[status]) for status in CountryStatus)
    plain, compressed = world_map(countries, legend)
    gzipped = "gzip" in request.accept_encodings
    response = Response(compressed if gzipped else plain, mimetype="image/svg+xml")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.add_etag()
    return response.make_conditional(request)


def _what_if_choices(judgement: Judgement) -> list:
    """The decisions a what-if may end: those in force on the day asked, and any already chosen."""
    chosen = set(judgement.assume_ended or {})
    return [
        entry
        for entry in adequacy.decisions()
        if entry.number in chosen or entry.in_force_on(judgement.day)
    ]


def _by_status(listed: list[dict]) -> list[dict]:
    """The countries data goes to, grouped by status, each with its number of subprocessors."""
    groups = []
    for status in CountryStatus:
        subprocessors: dict[str, set[int]] = {}
        for entry in listed:
            if entry["transfer"]["status"] == status.value:
                subprocessors.setdefault(entry["country"], set()).add(entry["subprocessor"]["id"])
        countries = [
            {"code": code, "name": name, "subprocessors": len(subprocessors[code])}
            for code, name in by_name(subprocessors, current_language())
        ]
        groups.append(
            {
                "status": status.value,
                "name": str(labels.COUNTRY_STATUSES[status]),
                "countries": countries,
            }
        )
    return groups
