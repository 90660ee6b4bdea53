"""What changed in the register between two days: /changes/diff as a page, a CSV file and JSON,
from the signed snapshots."""

import csv
import io
from datetime import date

from flask import Response, render_template, request
from flask_babel import gettext as _

from registry import clock
from registry.errors import json_error
from registry.history import records as history
from registry.history import words
from registry.i18n import current_language
from registry.public import blueprint
from registry.public.parameters import BadParameter, read_past_day
from registry.register.export import spreadsheet_safe
from registry.register.records import TERM_CLASSES, vocabulary


@blueprint.get("/changes/diff")
def changes_diff():
    asked = bool(request.args.get("from") or request.args.get("to"))
    try:
        period = _period() if asked else None
    except BadParameter as error:
        return render_template("public/changes_diff.html", error=str(error), found=None), 400
    found = history.changes_between(*period) if period else None
    return render_template(
        "public/changes_diff.html",
        error=None,
        period=period,
        found=found,
        rows=_rows(found["changes"]) if found else [],
        first=_first_local(),
    )


def _first_local() -> str | None:
    first = history.first_snapshot()
    return clock.local_text(first.taken_at) if first else None


@blueprint.get("/changes/diff.csv")
def changes_diff_csv():
    try:
        period = _period()
    except BadParameter as error:
        return Response(str(error), status=400, mimetype="text/plain")
    found = history.changes_between(*period)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Recorded at (UTC)"),
            _("Snapshot"),
            _("Notice"),
            _("Subprocessor"),
            _("What"),
            _("Change"),
            _("Field"),
            _("Before"),
            _("After"),
        ]
    )
    for row in _rows(found["changes"]):
        for field in row["fields"] or [{"label": "", "before": "", "after": ""}]:
            line = [
                row["utc"],
                str(row["snapshot_id"]),
                row["notice"]["url"] if row["notice"] else "",
                row["subprocessor"],
                row["what"],
                row["change"],
                field["label"],
                field["before"],
                field["after"],
            ]
            writer.writerow([spreadsheet_safe(value) for value in line])
    first, last = period
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=changes-{first}-{last}.csv",
        },
    )


@blueprint.get("/api/v1/changes/diff")
def api_changes_diff():
    """What changed in the published register between two days, from its signed snapshots.
    ---
    get:
      summary: What changed between two days
      description: >-
        Every subprocessor, processing location, term and link of the processing chain added,
        removed or changed from the start of `from` to the end of `to`, in the organisation's
        time zone: each pair of consecutive snapshots in between compared, so that each change
        names the snapshot that recorded it and the notice that made it (a thing added and
        removed again within the period shows twice). Values are codes, as the snapshots
        record them.
      parameters: [DiffFrom, DiffTo]
      responses:
        200:
          description: The changes of the period.
          content:
            application/json:
              schema: RegisterDiff
    """
    try:
        first, last = _period()
    except BadParameter as error:
        return json_error(400, str(error))
    found = history.changes_between(first, last)
    changes = [
        {**entry, "taken_at": clock.utc_text(entry["taken_at"])} for entry in found["changes"]
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "from_snapshot": _reference(found["from_snapshot"]),
        "to_snapshot": _reference(found["to_snapshot"]),
        "count": len(changes),
        "changes": changes,
    }


def _reference(snapshot) -> dict | None:
    return history.reference(snapshot) if snapshot else None


def _period() -> tuple[date, date]:
    """The first and last day asked for (`from`, `to`): each given once, neither to come, the
    first not after the last. Raises BadParameter."""
    for name in ("from", "to"):
        if len(request.args.getlist(name)) > 1:
            raise BadParameter(_("Give “%(name)s” only once.", name=name))
    first = read_past_day(request.args.get("from", ""), "from")
    last = read_past_day(request.args.get("to", ""), "to")
    if first > last:
        raise BadParameter(
            _(
                "The first day (%(first)s) is after the last (%(last)s): give “from” the "
                "earlier day.",
                first=first.isoformat(),
                last=last.isoformat(),
            )
        )
    return first, last


def _rows(entries: list[dict]) -> list[dict]:
    """Each change as the page and the CSV show it: in the reader's language, its fields with
    their labels and each value as recorded, named."""
    language = current_language()
    terms = {
        key: {term.code: term.label(language) for term in vocabulary(term_class, language)}
        for key, term_class in TERM_CLASSES.items()
    }
    rows = []
    for entry in entries:
        rows.append(
            {
                "snapshot_id": entry["snapshot_id"],
                "utc": clock.utc_text(entry["taken_at"]),
                "local": clock.local_text(entry["taken_at"]),
                "notice": entry["notice"],
                "subject": str(words.SUBJECTS[entry["subject"]]),
                "change": str(words.CHANGES[entry["change"]]),
                "change_code": entry["change"],
                "subprocessor": entry["subprocessor"]["name"],
                "subprocessor_id": entry["subprocessor"]["id"],
                "what": _what(entry, terms, language),
                "fields": [
                    {
                        "label": words.field_name(field["field"]),
                        "before": _value(field, "before", terms, language),
                        "after": _value(field, "after", terms, language),
                    }
                    for field in entry["fields"]
                ],
            }
        )
    return rows


def _value(field: dict, side: str, terms: dict, language: str) -> str:
    name = field["field"]
    return words.value_text(name, field[side], language, terms.get(name, {}))


def _what(entry: dict, terms: dict, language: str) -> str:
    """The thing changed: the subprocessor, a location, a term or a link of its chain."""
    subject = str(words.SUBJECTS[entry["subject"]])
    if entry["subject"] == "location":
        return f"{subject}: {words.place_text(entry['location'], language)}"
    if entry["subject"] == "term":
        key, code = entry["term"]["list"], entry["term"]["code"]
        return f"{words.field_name(key)}: {terms.get(key, {}).get(code, code)}"
    if entry["subject"] == "chain_link":
        return f"{subject}: {entry['engages']['name']}"
    return subject
