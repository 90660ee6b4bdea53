"""The register as a CSV file that opens cleanly in a spreadsheet."""

import csv
import io

from flask_babel import gettext as _

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def register_csv(records: list[dict], with_verdicts: bool = False) -> str:
    """The records as CSV text: a header row, then one row per subprocessor.

    Lists are joined with "; "; a processing location reads "India (IN), Bengaluru: Follow-the-sun
    support (No adequacy decision, SCCs, module 3 · 2 supplementary measures)". `with_verdicts`
    adds a last column with the verdict of each transfer out of the EEA and what it rests on:
    "India (IN): Needs attention (India: SCCs without a transfer impact assessment on record)".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Name"),
            _("Legal name"),
            _("Address"),
            _("Country of establishment"),
            _("Website"),
            _("Recipient category"),
            _("Purposes"),
            _("Services"),
            _("Data categories"),
            _("Data subjects"),
            _("Processing locations"),
            _("Engaged by"),
            _("Illustrative demo data"),
            *([_("Transfer verdicts")] if with_verdicts else []),
        ]
    )
    for record in records:
        row = _row(record) + ([_verdicts(record)] if with_verdicts else [])
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def _row(record: dict) -> list[str]:
    return [
        record["name"],
        record["legal_name"],
        record["address"],
        f"{record['country_name']} ({record['country']})",
        record["website"] or "",
        record["recipient_category"]["name"],
        _names(record["purposes"]),
        _names(record["services"]),
        _names(record["data_categories"]),
        _names(record["data_subject_categories"]),
        "; ".join(_location(location) for location in record["locations"]),
        "; ".join(entity["name"] for entity in record["engaged_by"]),
        _("yes") if record["illustrative"] else _("no"),
    ]


def _names(terms: list[dict]) -> str:
    return "; ".join(term["name"] for term in terms)


def _location(location: dict) -> str:
    place = f"{location['country_name']} ({location['country']})"
    if location["city"]:
        place = f"{place}, {location['city']}"
    transfer = location["transfer"]
    ground = f", {transfer['ground_summary']}" if transfer["ground_summary"] else ""
    return f"{place}: {location['role_name']} ({transfer['status_name']}{ground})"


def _verdicts(record: dict) -> str:
    judged = []
    for location in record["locations"]:
        transfer = location["transfer"]
        if transfer["status"] != "eea":
            reasons = " · ".join(reason["message"] for reason in transfer["reasons"])
            place = f"{location['country_name']} ({location['country']})"
            judged.append(f"{place}: {transfer['verdict_name']} ({reasons})")
    return "; ".join(judged)


def spreadsheet_safe(value: str) -> str:
    """The cell's text, with a leading apostrophe where a spreadsheet would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value
