"""The register as a CSV file that opens cleanly in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def register_csv(records: list[dict], with_verdicts: bool = False) -> str:
    """The records as CSV text: a header row, then one row per subprocessor, each followed by
    one row per company down its processing chain (`chain`), with the path to it.

    Lists are joined with "; "; a processing location reads "India (IN), Bengaluru: Follow-the-sun
    support (No adequacy decision, SCCs, module 3 · 2 supplementary measures)". `with_verdicts`
    adds a last column with the verdict of each transfer out of the EEA and what it rests on:
    "India (IN): Needs attention (India: SCCs without a transfer impact assessment on record)".
    """
    return "".join(register_csv_lines([records], with_verdicts))


def register_csv_lines(chunks: Iterable[list[dict]], with_verdicts: bool = False) -> Iterator[str]:
    """The CSV text of `register_csv`, the header first and then the rows of each chunk of
    records as it comes: the file is sent while the next chunk is read."""
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
            _("Data Privacy Framework List entry"),
            _("In the processing chain"),
            *([_("Transfer verdicts")] if with_verdicts else []),
        ]
    )
    yield _taken(buffer)
    for records in chunks:
        for record in records:
            # Each subprocessor, then each company down its chain, a row per hop with its path.
            for entry, path in [(record, record["name"]), *_hops(record.get("chain", []))]:
                row = [*_row(entry), path] + ([_verdicts(entry)] if with_verdicts else [])
                writer.writerow([spreadsheet_safe(value) for value in row])
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What `buffer` holds, emptying it for the next chunk."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _hops(hops: list[dict]):
    for hop in hops:
        yield hop, hop["path_text"]
        yield from _hops(hop["hops"])


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
        _dpf_entry(record),
    ]


def _dpf_entry(record: dict) -> str:
    """The importer's DPF List entry as last checked: "listed as …; …; checked …; due …"."""
    entry = record["dpf_entry"]
    parts = [_("on the DPF List") if record["dpf_certified"] else ""]
    if entry["listed_name"]:
        parts.append(_("listed as %(name)s", name=entry["listed_name"]))
    if entry["scope_name"]:
        parts.append(_("covers: %(scope)s", scope=entry["scope_name"]))
    if entry["verified_on"]:
        parts.append(_("last checked on the list: %(day)s", day=entry["verified_on"]))
    if entry["recertification_due"]:
        parts.append(_("recertification due: %(day)s", day=entry["recertification_due"]))
    return "; ".join(part for part in parts if part)


def _ground_facts(facts: dict) -> str:
    """The ground's recorded details beyond its tool, as a short phrase, or ""."""
    parts = []
    if facts["scc_decision"]:
        parts.append(_("SCCs of decision %(decision)s", decision=facts["scc_decision"]))
    if facts["scc_signed_on"]:
        parts.append(_("SCCs signed on %(day)s", day=facts["scc_signed_on"]))
    bcr = facts["bcr"]
    if bcr and bcr["group"]:
        parts.append(_("BCRs of %(group)s", group=bcr["group"]))
    if bcr and bcr["kind_name"]:
        parts.append(bcr["kind_name"])
    if bcr and bcr["lead_authority"]:
        parts.append(_("approved by %(authority)s", authority=bcr["lead_authority"]))
    if bcr and bcr["approved_on"]:
        parts.append(_("BCRs approved on %(day)s", day=bcr["approved_on"]))
    if facts["derogation_occasional"]:
        reason = facts["derogation_occasional_reason"]
        parts.append(_("occasional: %(reason)s", reason=reason))
    return " · ".join(parts)


def _names(terms: list[dict]) -> str:
    return "; ".join(term["name"] for term in terms)


def _location(location: dict) -> str:
    place = f"{location['country_name']} ({location['country']})"
    if location["city"]:
        place = f"{place}, {location['city']}"
    transfer = location["transfer"]
    ground = f", {transfer['ground_summary']}" if transfer["ground_summary"] else ""
    details = _ground_facts(location["ground_facts"])
    ground += f" · {details}" if details else ""
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
