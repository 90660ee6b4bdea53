"""Importing customers from a CSV or XLSX file, through the HTTP client and the CLI runner: the
preview stores nothing in the register, the confirmation applies the file in one go, refused
rows say why, and a file is applied once."""

import html
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.customers.sheets import COLUMNS
from registry.extensions import db
from registry.models import AuditEvent, Customer, CustomerImport, Service
from registry.models.accounts import Role
from tests.web import csrf_token


@pytest.fixture
def register(make_entity, make_term):
    make_entity(name="Mixvoip SA")
    make_term(Service, code="voice", name="Cloud telephony")
    make_term(Service, code="fax", name="Online fax")


@pytest.fixture
def editor(logged_in, register):
    return logged_in(Role.EDITOR)


def row(number: int, **overrides) -> dict:
    return {
        "reference": f"C-{number:05d}",
        "organisation": f"Customer {number} SA",
        "entity": "Mixvoip SA",
        "services": "voice; fax",
        "authorisation": "general",
        "notice_days": 30,
        "shortest_notice_days": "",
        "dpa_version": "2025-01",
        "dpa_signed_on": "2025-01-15",
        "language": "de",
        "contacts": f"Person {number} <person{number}@customer{number}.example> (DPO)",
        "contract_ended_on": "",
    } | overrides


def xlsx(rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append([values[column] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[dict], delimiter=",") -> bytes:
    lines = [delimiter.join(COLUMNS)]
    lines += [delimiter.join(f'"{values[column]}"' for column in COLUMNS) for values in rows]
    return "\r\n".join(lines).encode()


def upload(client, data: bytes, name="customers.xlsx", field="file"):
    """The upload form sent as a browser sends it. The body is encoded here, in memory: the
    test client would spool a large one to a temporary file it never closes."""
    token = csrf_token(client, "/admin/customers/import")
    values = {"csrf_token": token, field: FileStorage(io.BytesIO(data), name)}
    boundary, body = encode_multipart(values)
    return client.post(
        "/admin/customers/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def preview(client, data: bytes, name="customers.xlsx"):
    response = upload(client, data, name)
    assert response.status_code == 302, response.text
    return response.headers["Location"], client.get(response.headers["Location"])


def confirm(client, address):
    """The confirmation's answer, read to its end: the page is streamed as the rows are
    applied, and a browser reads it all."""
    token = csrf_token(client, address)
    response = client.post(f"{address}/confirm", data={"csrf_token": token})
    response.get_data()
    return response


def customers(app) -> dict[str, Customer]:
    with app.app_context():
        db.session().expire_on_commit = False
        found = db.session.scalars(sa.select(Customer)).all()
        for customer in found:
            customer.contacts, customer.services  # noqa: B018 (loaded for the test)
        return {customer.reference: customer for customer in found}


def refused(page: str) -> dict[str, str]:
    """The refused rows of a preview: row number → reason."""
    section = page.split('id="import-refused"')[1].split("</section>")[0]
    found = re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]*)</td></tr>", section)
    return {number: html.unescape(reason) for number, reason in found}


BAD_ROWS = {
    7: {"entity": "Nowhere GmbH"},
    100: {"services": "voice; telex"},
    1_000: {"contacts": "Ann <not-an-address> (DPO)"},
    2_500: {"notice_days": 400},
    4_000: {"reference": "C-00001"},  # also row 3's reference
}


@pytest.fixture(scope="module")
def big_file() -> bytes:
    """5,000 customers, of which the rows in BAD_ROWS (file row = number + 1) are wrong."""
    rows = [row(number, **BAD_ROWS.get(number, {})) for number in range(1, 5_001)]
    return xlsx(rows)


def test_a_5000_row_file_previews_each_bad_row_with_its_reason(app, editor, big_file):
    _, page = preview(editor, big_file)
    reasons = refused(page.text)
    assert sorted(map(int, reasons)) == [2, 8, 101, 1_001, 2_501, 4_001]
    assert reasons["8"].startswith("entity: There is no entity of ours named “Nowhere GmbH”")
    assert reasons["101"] == "services: Unknown service code: telex."
    assert reasons["1001"].startswith("contacts: ")
    assert reasons["2501"] == "notice_days: A notice period is from 1 to 365 days."
    assert "is on 2 rows of the file" in reasons["4001"]


def test_a_preview_stores_nothing_in_the_register(app, editor, big_file):
    preview(editor, big_file)
    assert customers(app) == {}


@pytest.fixture(scope="module")
def thousand_rows() -> bytes:
    """1,000 customers with the bad rows of BAD_ROWS among them: applying 5,000 through the
    audited services takes 20 s (`make bench` measures it), so the test applies fewer."""
    rows = [row(number, **BAD_ROWS.get(number, {})) for number in range(1, 1_001)]
    return xlsx(rows)


def test_confirming_stores_every_good_row_in_one_go(app, editor, thousand_rows):
    address, _ = preview(editor, thousand_rows)
    response = confirm(editor, address)
    assert response.status_code == 200
    assert "Done: 997 customers created, 0 changed, 0 unchanged, 3 rows refused." in response.text
    stored = customers(app)
    assert len(stored) == 997 and "C-00007" not in stored and "C-01000" not in stored
    assert stored["C-00999"].contacts[0].email == "person999@customer999.example"


def test_the_import_is_one_event_with_its_counts_beside_each_customers_own(app, editor):
    address, _ = preview(editor, xlsx([row(1), row(2), row(3, entity="?")]))
    confirm(editor, address)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        [imported] = db.session.scalars(
            sa.select(AuditEvent).filter_by(action="customers.imported")
        )
    assert actions.count("customer.created") == 2
    assert imported.after == {
        "filename": "customers.xlsx",
        "created": 2,
        "changed": 0,
        "unchanged": 0,
        "refused": 1,
    }


def test_applying_a_file_twice_is_refused(app, editor):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    again = confirm(editor, address)
    assert again.status_code == 409
    assert "applied already" in again.text
    assert len(customers(app)) == 1


def test_an_applied_file_keeps_no_names_or_addresses(app, editor):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    with app.app_context():
        kept = db.session.scalars(sa.select(CustomerImport)).one()
        assert (kept.state.value, kept.rows, kept.summary["created"]) == ("applied", [], 1)


def test_a_file_whose_every_row_is_refused_cannot_be_confirmed(app, editor):
    address, page = preview(editor, xlsx([row(1, entity="?"), row(2, services="telex")]))
    assert "Confirm the import" not in page.text
    assert confirm(editor, address).status_code == 409
    assert customers(app) == {}


def test_an_expired_preview_cannot_be_confirmed(app, editor, clock):
    address, _ = preview(editor, xlsx([row(1)]))
    clock.move(hours=25)
    response = confirm(editor, address)
    assert response.status_code == 409
    assert "upload the file again" in response.text
    assert customers(app) == {}


def test_a_known_reference_is_changed_and_the_preview_says_from_what_to_what(app, editor):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    _, page = preview(editor, xlsx([row(1, notice_days=60, language="fr")]))
    changed = page.text.split('id="import-changed"')[1].split("</section>")[0]
    assert "<code>notice_days</code>: 30 → 60" in changed
    assert "<code>language</code>: de → fr" in changed


def test_contacts_new_in_the_file_are_added_and_those_missing_are_kept(app, editor):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    address, page = preview(editor, xlsx([row(1, contacts="Marc <marc@customer1.example>")]))
    assert "contact kept, although not in the file: Person 1 &lt;person1@" in page.text
    confirm(editor, address)
    emails = [contact.email for contact in customers(app)["C-00001"].contacts]
    assert emails == ["person1@customer1.example", "marc@customer1.example"]


def test_a_row_that_says_what_is_recorded_changes_nothing(app, editor):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    address, page = preview(editor, xlsx([row(1)]))
    assert "Unchanged: 1 rows say what is recorded already." in page.text
    assert confirm(editor, address).status_code == 409


def test_an_export_imported_again_changes_nothing(app, editor):
    address, _ = preview(editor, xlsx([row(1), row(2, shortest_notice_days=10)]))
    confirm(editor, address)
    for kind in ("csv", "xlsx"):
        exported = editor.get(f"/admin/customers.{kind}").data
        _, page = preview(editor, exported, f"customers.{kind}")
        assert "Unchanged: 2 rows" in page.text, kind


def test_a_csv_file_with_semicolons_between_the_cells_is_read(app, editor):
    address, _ = preview(editor, csv_file([row(1)], delimiter=";"), "kunden.csv")
    confirm(editor, address)
    assert customers(app)["C-00001"].organisation == "Customer 1 SA"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("customers.pdf", b"%PDF-1.7", "Upload a CSV or an XLSX file"),
        ("customers.xlsx", b"not a zip", "cannot be read as an XLSX workbook"),
        ("customers.csv", "é".encode("latin-1"), "is not UTF-8 text"),
        ("customers.csv", b"name,email\r\nA,a@b.example", "The first row must name the columns"),
        ("customers.csv", ",".join(COLUMNS).encode(), "no customer below its header row"),
    ],
)
def test_a_file_that_is_not_a_table_of_customers_is_refused_clearly(
    app, editor, name, data, message
):
    response = upload(editor, data, name)
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert db.session.scalars(sa.select(CustomerImport)).all() == []


def test_a_file_of_more_than_20000_rows_is_refused(editor):
    response = upload(editor, csv_file([row(n) for n in range(20_001)]), "customers.csv")
    assert response.status_code == 400
    assert "more than 20000 rows" in response.text


def test_an_upload_without_a_file_is_a_form_error(editor):
    token = csrf_token(editor, "/admin/customers/import")
    response = editor.post("/admin/customers/import", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Choose the file to import." in response.text


def test_a_file_sent_in_another_field_is_refused(editor):
    assert upload(editor, xlsx([row(1)]), field="other").status_code == 400


def test_an_upload_may_be_larger_than_the_forms_limit(app, editor):
    padded = [row(n, organisation=f"Customer {n} " + "x" * 150) for n in range(6_000)]
    data = csv_file(padded)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(editor, data, "customers.csv").status_code == 302


def test_a_viewer_cannot_upload_a_file(app, logged_in, register):
    viewer = logged_in(Role.VIEWER)
    token = csrf_token(viewer, "/admin/")
    data = {"csrf_token": token, "file": (io.BytesIO(xlsx([row(1)])), "customers.xlsx")}
    assert viewer.post("/admin/customers/import", data=data).status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_imports_cleanly_once_its_example_row_is_replaced(app, editor, kind):
    template = editor.get(f"/admin/customers/template.{kind}").data
    example = b"Example Customer SA (an example: replace this row)"
    edited = template.replace(b"EXAMPLE-1", b"C-77").replace(example, b"Acme SA")
    if kind == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(template))
        sheet = workbook.worksheets[0]
        sheet["A2"], sheet["B2"] = "C-77", "Acme SA"
        buffer = io.BytesIO()
        workbook.save(buffer)
        edited = buffer.getvalue()
    address, _ = preview(editor, edited, f"template.{kind}")
    confirm(editor, address)
    assert customers(app)["C-77"].organisation == "Acme SA"


def test_the_templates_example_row_is_refused_until_it_is_replaced(editor):
    _, page = preview(editor, editor.get("/admin/customers/template.xlsx").data)
    assert refused(page.text) == {
        "2": "reference: This is the template's example row: replace it with a real customer."
    }


def test_the_import_page_links_the_templates(editor):
    page = editor.get("/admin/customers/import").text
    assert "/admin/customers/template.xlsx" in page and "/admin/customers/template.csv" in page


def write(tmp_path, rows, name="customers.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def test_the_cli_imports_a_file_with_yes(app, runner, register, tmp_path):
    result = runner.invoke(args=["customers", "import", write(tmp_path, [row(1), row(2)]), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Applied: 2 created, 0 changed, 0 unchanged, 0 refused." in result.output
    assert sorted(customers(app)) == ["C-00001", "C-00002"]


def test_the_cli_names_the_actor_on_the_trail(app, runner, register, tmp_path):
    path = write(tmp_path, [row(1)])
    runner.invoke(args=["customers", "import", path, "--yes", "--actor", "DPO@example.com"])
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).filter_by(action="customers.imported"))
        assert event.one().actor == "dpo@example.com"


def test_the_cli_prints_each_refused_row_and_stores_nothing_when_not_confirmed(
    app, runner, register, tmp_path
):
    path = write(tmp_path, [row(1), row(2, entity="Nowhere")])
    result = runner.invoke(args=["customers", "import", path], input="n\n")
    assert "refused, row 3 (C-00002): entity: There is no entity of ours named" in result.output
    assert result.exit_code == 1
    assert customers(app) == {}


def test_the_cli_fails_when_nothing_can_be_applied(app, runner, register, tmp_path):
    result = runner.invoke(
        args=["customers", "import", write(tmp_path, [row(1, entity="?")]), "--yes"]
    )
    assert result.exit_code == 1
    assert customers(app) == {}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_cli_exports_the_customers(app, runner, editor, tmp_path, kind):
    address, _ = preview(editor, xlsx([row(1)]))
    confirm(editor, address)
    path = tmp_path / f"out.{kind}"
    assert runner.invoke(args=["customers", "export", str(path)]).exit_code == 0
    sheet = openpyxl.load_workbook(path).worksheets[0] if kind == "xlsx" else None
    exported = [[c.value for c in line] for line in sheet.iter_rows()] if sheet else None
    assert exported is None or exported[1][0] == "C-00001"
    assert kind == "xlsx" or path.read_bytes() == editor.get("/admin/customers.csv").data
