"""The customers as a table: the columns the export writes and the import reads, as CSV or XLSX.

One row per customer, in `COLUMNS`: the entity by its name, the services by their codes and the
contacts as "Name <email> (role)", each list joined with "; ", dates as ISO 8601. A CSV file is
UTF-8 with a byte order mark, so that spreadsheets open it as such; a cell a spreadsheet would
run as a formula gets a leading apostrophe, which the import takes off again. An XLSX file holds
every text as text, never as a formula.
"""

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry.customers import CustomerError
from registry.extensions import db
from registry.models import Customer, CustomerContact
from registry.register.export import FORMULA_TRIGGERS, spreadsheet_safe

COLUMNS = (
    "reference",
    "organisation",
    "entity",
    "services",
    "authorisation",
    "notice_days",
    "shortest_notice_days",
    "dpa_version",
    "dpa_signed_on",
    "language",
    "contacts",
    "contract_ended_on",
)
LIST_SEPARATOR = "; "
# A file of more rows is refused whole: an import is reviewed row by row before it is applied.
MOST_ROWS = 20_000
# What an XLSX file (a zip archive) may unpack to; a larger one is refused before it is read.
LARGEST_UNPACKED = 64 * 1024 * 1024
# The template's example row, refused by the import until it is replaced.
EXAMPLE_REFERENCE = "EXAMPLE-1"
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SheetError(CustomerError):
    """The file cannot be read as a table of customers; nothing of it was kept."""

    field = "file"


def customer_rows() -> Iterator[list]:
    """Every customer, by reference, as `customer_row`."""
    found = db.session.scalars(
        sa.select(Customer)
        .options(
            selectinload(Customer.entity),
            selectinload(Customer.services),
            selectinload(Customer.contacts),
        )
        .order_by(Customer.reference)
    )
    return (customer_row(customer) for customer in found)


def customer_row(customer: Customer) -> list:
    """The customer in the columns' order: texts, whole numbers, and "" for nothing."""
    return [
        customer.reference,
        customer.organisation,
        customer.entity.name,
        LIST_SEPARATOR.join(sorted(service.code for service in customer.services)),
        customer.authorisation.value,
        customer.notice_days,
        customer.shortest_notice_days or "",
        customer.dpa_version or "",
        _day(customer.dpa_signed_on),
        customer.language,
        LIST_SEPARATOR.join(
            contact_text(contact) for contact in customer.contacts if contact.erased_at is None
        ),
        _day(customer.contract_ended_on),
    ]


def contact_text(contact: CustomerContact) -> str:
    """ "Name <email> (role)", without the role's part when it has none."""
    text = f"{contact.name} <{contact.email}>"
    return f"{text} ({contact.role})" if contact.role else text


def example_row(entity_name: str, service_codes: list[str]) -> list:
    """The templates' example row, with a real entity and real service codes so that it shows
    what the cells take; its reference marks it as the example the import refuses."""
    return [
        EXAMPLE_REFERENCE,
        "Example Customer SA (an example: replace this row)",
        entity_name,
        LIST_SEPARATOR.join(service_codes[:2]),
        "general",
        30,
        14,
        "2025-01",
        "2025-01-15",
        "en",
        "Jane Example <jane@customer.example> (DPO); John Example <john@customer.example>",
        "",
    ]


def csv_bytes(rows: Iterable[list]) -> bytes:
    """The header and `rows` as CSV, UTF-8 with a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    """The header and `rows` as one XLSX sheet, every text stored as text."""
    # openpyxl is imported where a workbook is made or read: every process (the worker, each
    # command, each web worker) would otherwise load it at start for the few that use it.
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("customers")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, column, font=bold) for column in COLUMNS])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, font=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
    if font is not None:
        cell.font = font
    return cell


@dataclass
class Table:
    """An uploaded file opened as a table: `size` estimates its rows (for a progress bar);
    `rows()` reads them."""

    cells: Iterator[list]
    size: int

    def rows(self) -> Iterator[dict]:
        """Each row that is not blank as {"row": its number in the file, column: text, …}.
        Raises SheetError for a header that is not the columns, or too many rows."""
        header = [_text(cell).lower() for cell in next(self.cells, [])]
        positions = _positions(header)
        count = 0
        for number, cells in enumerate(_guarded(self.cells), start=2):
            texts = {column: _text(_at(cells, index)) for column, index in positions.items()}
            if not any(texts.values()):
                continue
            count += 1
            if count > MOST_ROWS:
                raise SheetError(
                    _(
                        "The file has more than %(count)d rows; split it into several files.",
                        count=MOST_ROWS,
                    )
                )
            yield {"row": number, **texts}


def open_table(filename: str, data: bytes) -> Table:
    """The file as a table, by its extension (.csv or .xlsx). Raises SheetError for any other
    file, or one that cannot be read as its extension says."""
    kind = PurePath(filename).suffix.lower().lstrip(".")
    if kind == "csv":
        return _csv_table(data)
    if kind == "xlsx":
        return _xlsx_table(data)
    raise SheetError(
        _(
            "Upload a CSV or an XLSX file (.csv or .xlsx): %(name)s is neither.",
            name=PurePath(filename).name or "?",
        )
    )


def _csv_table(data: bytes) -> Table:
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            _("The CSV file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")
        ) from None
    if "\x00" in text:
        raise SheetError(_("The CSV file holds a NUL character: it is not a table of text."))
    first_line = text.partition("\n")[0]
    # Spreadsheets in German or French save CSV files with semicolons between the cells.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Table(reader, max(text.count("\n") - 1, 0))


def _xlsx_table(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise SheetError(_("The file cannot be read as an XLSX workbook.")) from None
    if unpacked > LARGEST_UNPACKED:
        raise SheetError(
            _(
                "The XLSX workbook unpacks to more than %(size)d MiB; save the customers alone "
                "in a new workbook.",
                size=LARGEST_UNPACKED // (1024 * 1024),
            )
        )
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a workbook's oddities are not ours to report
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            size = max((sheet.max_row or 1) - 1, 0)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(_("The file cannot be read as an XLSX workbook.")) from None
    width = len(COLUMNS) * 2
    cells = (list(row) for row in sheet.iter_rows(values_only=True, max_col=width))
    return Table(cells, size)


def _guarded(cells: Iterator[list]) -> Iterator[list]:
    """The rows, with an error of the file's format met while reading said as a SheetError."""
    try:
        yield from cells
    except SheetError:
        raise
    except Exception:  # csv.Error, or openpyxl's errors from a damaged sheet
        raise SheetError(_("The file cannot be read to its end: it is damaged.")) from None


def _positions(header: list[str]) -> dict[str, int]:
    named = [name for name in header if name]
    missing = [column for column in COLUMNS if column not in named]
    unknown = [name for name in named if name not in COLUMNS]
    if missing or unknown or len(named) != len(set(named)):
        raise SheetError(
            _(
                "The first row must name the columns %(columns)s (missing: %(missing)s; "
                "unknown or repeated: %(unknown)s). Start from a template.",
                columns=", ".join(COLUMNS),
                missing=", ".join(missing) or "—",
                unknown=", ".join(unknown or _repeated(named)) or "—",
            )
        )
    return {column: header.index(column) for column in COLUMNS}


def _repeated(names: list[str]) -> list[str]:
    return sorted({name for name in names if names.count(name) > 1})


def _at(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def _text(value) -> str:
    """A cell's value as the text the import reads: dates as ISO 8601, whole numbers without a
    decimal point, and a formula guard (a leading apostrophe) taken off."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""
