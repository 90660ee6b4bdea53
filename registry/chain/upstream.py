"""Reading a subprocessor's own list of the companies it engages: fetched from its address
(http or https only, 10 seconds, at most 2 MiB) or taken from the file its vendor sent, then
read as CSV, JSON or an HTML table through the source's mapping of columns to fields.

Nothing here writes: `read` gives the entries or raises ListUnreadable with a message fit for
the operator and the admin's page.
"""

import csv
import hashlib
import io
import json
import re
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

from flask_babel import gettext as _

from registry.models import ChainSource, ListFormat

TIMEOUT_SECONDS = 10
LARGEST_LIST = 2 * 1024 * 1024
FIELDS = ("name", "legal_name", "country", "activity")


class ListUnreadable(Exception):
    """The list could not be fetched or read; the message says why, in a line."""


@dataclass(frozen=True)
class ListedCompany:
    """A company as the subprocessor's list gives it."""

    name: str
    legal_name: str = ""
    country: str = ""
    activity: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def read(source: ChainSource) -> list[ListedCompany]:
    """The companies on the source's list. Raises ListUnreadable."""
    text = source.content if source.url is None else fetch(source.url)
    return parse(text or "", source.format, source.mapping or {})


def outcome(source: ChainSource) -> list[ListedCompany] | ListUnreadable:
    """The companies on the list, or why it could not be read."""
    try:
        return read(source)
    except ListUnreadable as error:
        return error


def digest(companies: list[ListedCompany]) -> str:
    """The same for the same companies, whatever their order or the list's layout."""
    rows = sorted(json.dumps(company.as_dict(), sort_keys=True) for company in companies)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def comparable(text: str) -> str:
    """A name as compared: case, accents kept, spaces and punctuation dropped."""
    return re.sub(r"[\W_]+", "", text.casefold())


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http or https address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise ListUnreadable(_("The list's address redirects off the web: %(url)s", url=newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str) -> str:
    """The text at `url`. Raises ListUnreadable: not http(s), unreachable, an error status,
    larger than LARGEST_LIST, or not text."""
    if not url.lower().startswith(("http://", "https://")):
        raise ListUnreadable(_("Only http and https addresses are read."))
    opener = urllib.request.build_opener(_HttpOnly())
    request = urllib.request.Request(url, headers={"User-Agent": "subprocessor-registry"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(LARGEST_LIST + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as error:
        error.close()  # its connection, left open otherwise until it is collected
        raise ListUnreadable(
            _("The server answered %(status)d %(reason)s.", status=error.code, reason=error.reason)
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ListUnreadable(
            _("The list could not be fetched: %(reason)s", reason=reason)
        ) from None
    if len(body) > LARGEST_LIST:
        raise ListUnreadable(
            _("The list is larger than %(count)d MiB.", count=LARGEST_LIST // 1024 // 1024)
        )
    try:
        return body.decode(charset, errors="strict").removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise ListUnreadable(_("The list is not text in %(charset)s.", charset=charset)) from None


def parse(text: str, list_format: ListFormat, mapping: dict) -> list[ListedCompany]:
    """The companies in `text`; `mapping` names the column or key of each field (a field not
    mapped is looked up under its own name). Raises ListUnreadable."""
    columns = {field: (mapping.get(field) or field) for field in FIELDS}
    if list_format == ListFormat.JSON:
        records = _json_records(text)
    elif list_format == ListFormat.HTML:
        records = _html_records(text, columns)
    else:
        records = _csv_records(text)
    companies = [_company(record, columns) for record in records]
    companies = [company for company in companies if company is not None]
    if not companies:
        raise ListUnreadable(
            _(
                "No company was found in the list under the column “%(column)s”.",
                column=columns["name"],
            )
        )
    return companies


def _company(record: dict, columns: dict) -> ListedCompany | None:
    by_key = {comparable(str(key)): value for key, value in record.items() if key is not None}
    values = {
        field: " ".join(str(by_key.get(comparable(column)) or "").split())[:500]
        for field, column in columns.items()
    }
    if not values["name"] and not values["legal_name"]:
        return None
    values["name"] = values["name"] or values["legal_name"]
    values["country"] = values["country"][:100]
    return ListedCompany(**values)


def _csv_records(text: str) -> list[dict]:
    """The rows under the header row; the delimiter is a comma, a semicolon (as spreadsheets
    write it where the comma is the decimal mark) or a tab."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.DictReader(io.StringIO(text), dialect=dialect))
    except csv.Error as error:
        raise ListUnreadable(_("The list is not valid CSV: %(reason)s", reason=error)) from None


def _json_records(text: str) -> list[dict]:
    try:
        document = json.loads(text)
    except ValueError:
        raise ListUnreadable(_("The list is not valid JSON.")) from None
    if isinstance(document, dict):
        document = document.get("subprocessors")
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise ListUnreadable(
            _('The JSON list must be a list of objects, or {"subprocessors": [...]}.')
        )
    return document


def _html_records(text: str, columns: dict) -> list[dict]:
    """The rows of the first table whose header row has the name's column, as records."""
    tables = _Tables()
    tables.feed(text)
    tables.close()
    wanted = comparable(columns["name"])
    for rows in tables.found:
        if rows and wanted in {comparable(cell) for cell in rows[0]}:
            header = rows[0]
            return [dict(zip(header, row, strict=False)) for row in rows[1:]]
    raise ListUnreadable(
        _("No table in the page has a column “%(column)s”.", column=columns["name"])
    )


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts; a nested table is read as its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list[list[str]]] = []
        self._open: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self._open.append([])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("td", "th") and self._open and self._open[-1]:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._open[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._open:
            self.found.append(self._open.pop())

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)
