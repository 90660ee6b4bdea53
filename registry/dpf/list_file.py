"""A saved copy of the Data Privacy Framework List, read: one row per organisation.

What the list is. The US Department of Commerce (International Trade Administration) keeps the
list at https://www.dataprivacyframework.gov/list; its search is an interactive application
(https://www.dataprivacyframework.gov/s/participant-search, with tabs of active and inactive
participants), and each organisation has a page (for example
https://www.dataprivacyframework.gov/participant/5666). Records of those pages made by their
readers give, per framework (EU-U.S. DPF, UK Extension to the EU-U.S. DPF, Swiss-U.S. DPF), a
status ("Active", "Inactive", also "Active – Re-certification under Review"), an "Original
Certification Date", a "Next Certification Due Date" and the "Data Collected" ("HR and Non-HR
Data", "Non-HR Data"). A third-party description of the site's own JSON API
(https://www.firecrawl.dev/alexandria/dataprivacyframework-gov) shows each certification as a
framework name ("EU-US Certification") with `hr_data` and `non_hr_data` flags, and search
filters by status, framework and data covered. The list before it had the same facts: the
Safe Harbour list's scrape (https://github.com/pdehaye/safe-harbor) has `OrgName`, `hrdata` and
`nextcertification` columns; the Privacy Shield's guidance
(https://www.privacyshield.gov/article?id=How-to-Verify-an-Organization-s-Privacy-Shield-Commitments)
names the "types of data collected". The law behind the facts: Implementing Decision (EU)
2023/1795, Art. 1 (only organisations on the list, within their certification), Annex I,
Supplemental Principle 6 (annual recertification, removal from the list otherwise) and
Supplemental Principle 9 (HR data only under a certification that covers them).

What is not confirmed. No source read here shows the site offering the list as a CSV file, nor
the header of such a file. The columns below are therefore read by a small, explicit mapping of
the names found above and their usual variants (`COLUMNS`), compared without case, spaces or
punctuation; a file whose header lacks a needed column is refused, naming the columns wanted.
A file in another shape (a scrape, an export of the JSON API) can be brought to these columns.

The columns. Needed: the organisation's name, its status, the data covered (one column such as
"Data Collected", or the two columns "HR Data" and "Non-HR Data") and the next recertification
date. Optional: the frameworks. A row names one organisation; when the file gives one row per
framework, each row is kept and the check picks the EU-U.S. one.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.domain import DomainError

NAME, STATUS, DATA, HR, NON_HR, DUE, FRAMEWORKS = (
    "name",
    "status",
    "data",
    "hr",
    "non_hr",
    "due",
    "frameworks",
)

# Each column the reader takes, by the header names it answers to (compared by `header_key`).
COLUMNS = {
    NAME: (
        "Organization Name",
        "Organisation Name",
        "Organization",
        "Organisation",
        "Participant Name",
        "Participant",
        "Company Name",
        "Company",
        "OrgName",
        "Name",
    ),
    STATUS: (
        "Status",
        "Participation Status",
        "Participant Status",
        "Certification Status",
        "DPF Status",
    ),
    DATA: (
        "Data Collected",
        "Data Covered",
        "Covered Data",
        "Types of Data Collected",
        "Personal Data Covered",
        "Data Type",
        "Data Types",
    ),
    HR: ("HR Data", "HR", "hrdata", "hr_data", "Human Resources Data"),
    NON_HR: ("Non-HR Data", "Non-HR", "nonhrdata", "non_hr_data"),
    DUE: (
        "Next Certification Due Date",
        "Next Certification Date",
        "Next Certification",
        "Next Recertification Date",
        "Next Recertification",
        "Next Re-Certification Date",
        "Recertification Due Date",
        "Re-Certification Due Date",
        "Certification Due Date",
        "nextcertification",
    ),
    FRAMEWORKS: ("Framework", "Frameworks", "Program", "Programs", "Certifications"),
}

# What each needed column is called in a refusal, with the header names it answers to.
NEEDED = {
    NAME: _l("the organisation's name"),
    STATUS: _l("the status (Active or Inactive)"),
    DATA: _l("the data covered (HR, non-HR or both), or the two columns HR Data and Non-HR Data"),
    DUE: _l("the next recertification date"),
}

# The date formats the list's pages and their copies were seen in, ISO first.
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y")
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


class ListFileRefused(DomainError):
    """The file cannot be read as the DPF List; the message says why and nothing is stored."""


@dataclass(frozen=True)
class ListRow:
    """An organisation's entry as a row of the file gives it."""

    row: int
    organisation: str
    status: str
    active: bool
    covers_hr: bool
    covers_non_hr: bool
    frameworks: str | None
    eu_us: bool | None
    next_recertification: date | None


def header_key(name: str) -> str:
    """A header or a name without case, accents, spaces or punctuation: "Next Certification Due
    Date" and "next_certification-due date" are the same column."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(char for char in decomposed if char.isalnum())


matching_name = header_key  # organisations are matched the same way


def read_list(content: bytes) -> list[ListRow]:
    """The rows of a saved copy of the list (CSV, comma, semicolon or tab separated, UTF-8 with
    or without a byte order mark, else Windows-1252). Raises ListFileRefused naming what is
    wrong: a needed column missing, or a row's status, data or date that cannot be read."""
    reader = csv.reader(io.StringIO(_text(content)), dialect=_dialect(content))
    header = next(reader, None)
    if not header:
        raise ListFileRefused(_("The file is empty."))
    columns = _columns(header)
    rows = [
        _row(number, cells, columns)
        for number, cells in enumerate(reader, start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not rows:
        raise ListFileRefused(_("The file holds no organisation, only its header."))
    return rows


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _dialect(content: bytes):
    first_line = content[:4096].decode("utf-8", errors="replace").splitlines()[:1]
    try:
        return csv.Sniffer().sniff(first_line[0] if first_line else "", delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column the reader takes is; refuses a header that lacks a needed one."""
    keys = [header_key(name) for name in header]
    found = {}
    for column, names in COLUMNS.items():
        wanted = [header_key(name) for name in names]
        at = next((keys.index(name) for name in wanted if name in keys), None)
        if at is not None:
            found[column] = at
    if HR in found and NON_HR in found:
        found.setdefault(DATA, None)
    missing = [column for column in NEEDED if column not in found]
    if missing:
        raise ListFileRefused(
            _(
                "The file's header lacks the columns needed: %(missing)s. Its columns are: "
                "%(header)s.",
                missing="; ".join(_wanted(column) for column in missing),
                header=", ".join(name.strip() for name in header) or "-",
            )
        )
    return found


def _wanted(column: str) -> str:
    names = ", ".join(f"“{name}”" for name in COLUMNS[column][:3])
    return _("%(what)s, such as %(names)s", what=NEEDED[column], names=names)


def _row(number: int, cells: list[str], columns: dict[str, int]) -> ListRow:
    def cell(column: str) -> str:
        at = columns.get(column)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    organisation = " ".join(cell(NAME).split())
    if not organisation:
        raise ListFileRefused(_("Row %(row)d names no organisation.", row=number))
    if columns[DATA] is None:
        covers_hr, covers_non_hr = _flag(number, cell(HR)), _flag(number, cell(NON_HR))
    else:
        covers_hr, covers_non_hr = _data_covered(number, cell(DATA))
    frameworks = cell(FRAMEWORKS) if FRAMEWORKS in columns else None
    return ListRow(
        row=number,
        organisation=organisation[:500],
        status=cell(STATUS)[:100],
        active=_active(number, cell(STATUS)),
        covers_hr=covers_hr,
        covers_non_hr=covers_non_hr,
        frameworks=(frameworks or "")[:500] if frameworks is not None else None,
        eu_us=None if frameworks is None else names_eu_us(frameworks),
        next_recertification=_day(number, cell(DUE)),
    )


def _active(number: int, status: str) -> bool:
    # "Active", "Active Participant", "Active – Re-certification under Review" are active.
    key = header_key(status)
    if key.startswith("active"):
        return True
    if key.startswith("inactive"):
        return False
    raise ListFileRefused(
        _(
            "Row %(row)d: the status “%(status)s” is neither active nor inactive.",
            row=number,
            status=status,
        )
    )


def _data_covered(number: int, text: str) -> tuple[bool, bool]:
    """(HR, non-HR) from "HR and Non-HR Data", "Non-HR Data", "HR Data", "Both", or nothing."""
    words = re.sub(r"non[\s_-]*hr", " nonhr ", text.casefold())
    words = set(re.findall(r"[a-z]+", words)) - {"and", "data", "only"}
    if words == {"both"}:
        return True, True
    if not words - {"hr", "nonhr"}:
        return "hr" in words, "nonhr" in words
    raise ListFileRefused(
        _(
            "Row %(row)d: the data covered, “%(data)s”, are neither HR nor non-HR data.",
            row=number,
            data=text,
        )
    )


def _flag(number: int, text: str) -> bool:
    if text.casefold() in YES:
        return True
    if text.casefold() in NO:
        return False
    raise ListFileRefused(
        _("Row %(row)d: “%(value)s” is neither yes nor no.", row=number, value=text)
    )


def _day(number: int, text: str) -> date | None:
    if not text:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text[:10] if form == "%Y-%m-%d" else text, form).date()
        except ValueError:
            continue
    raise ListFileRefused(
        _(
            "Row %(row)d: “%(value)s” is not a date (2027-04-29 or 04/29/2027).",
            row=number,
            value=text,
        )
    )


def names_eu_us(frameworks: str) -> bool:
    """Whether the frameworks a row names include the EU-U.S. DPF itself: "UK Extension to the
    EU-U.S. DPF" names it too, but is the UK's, and the Swiss-U.S. DPF is Switzerland's."""
    for framework in re.split(r"[;,|\n]", frameworks):
        key = header_key(framework)
        if "eu" in key and "uk" not in key and "swiss" not in key:
            return True
    return False
