"""Customers in the admin area through the HTTP client: recording and editing them, their
contacts (added, erased), the private feeds' token, the list and the export."""

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from registry.customers.sheets import COLUMNS
from registry.extensions import db
from registry.models import AuditEvent, Customer, CustomerContact, Service
from registry.models.accounts import Role
from tests.web import csrf_token


@pytest.fixture
def register(make_entity, make_term):
    """An entity of ours and two services, by id."""
    entity = make_entity(name="Mixvoip SA")
    voice = make_term(Service, code="voice", name="Cloud telephony")
    fax = make_term(Service, code="fax", name="Online fax")
    return {"entity": entity.id, "voice": voice.id, "fax": fax.id}


def customer_form(register, **overrides) -> dict:
    return {
        "organisation": "Acme Telecom SA",
        "reference": "C-1042",
        "entity": str(register["entity"]),
        "services": [str(register["voice"])],
        "authorisation": "general",
        "notice_days": "30",
        "language": "fr",
        "dpa_version": "2025-01",
        "dpa_signed_on": "2025-01-15",
    } | overrides


def post(client, address, data, page="/admin/customers/new"):
    return client.post(address, data={"csrf_token": csrf_token(client, page), **data})


def create(client, register, **overrides):
    return post(client, "/admin/customers", customer_form(register, **overrides))


def stored(app, reference="C-1042") -> Customer | None:
    with app.app_context():
        db.session().expire_on_commit = False
        customer = db.session.scalar(sa.select(Customer).filter_by(reference=reference))
        if customer is not None:
            customer.contacts, customer.services  # noqa: B018 (loaded for the test)
        return customer


def events(app, action) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).filter_by(action=action)).all()


@pytest.fixture
def editor(logged_in):
    return logged_in(Role.EDITOR)


@pytest.fixture
def customer_id(editor, register, app):
    create(
        editor,
        register,
        **{"contact-name": "Claire Dupont", "contact-email": "claire@acme.example"},
    )
    return stored(app).id


def test_an_editor_records_a_customer_with_its_contract(app, editor, register):
    response = create(editor, register, shorter_notice_allowed="y", shortest_notice_days="10")
    assert response.status_code == 302
    customer = stored(app)
    assert (customer.organisation, customer.notice_days, customer.shortest_notice_days) == (
        "Acme Telecom SA",
        30,
        10,
    )


def test_the_new_customer_form_offers_the_configured_notice_period(app, editor, register):
    app.config["NOTICE_WINDOW_DAYS"] = 45
    assert 'name="notice_days" required type="number" value="45"' in (
        editor.get("/admin/customers/new").text
    )


def test_a_shortest_notice_counts_only_when_the_contract_allows_one(app, editor, register):
    create(editor, register, shortest_notice_days="10")
    assert stored(app).shortest_notice_days is None


def test_a_shorter_notice_ticked_without_its_days_is_refused(app, editor, register):
    response = create(editor, register, shorter_notice_allowed="y")
    assert response.status_code == 400
    assert "Give the shortest notice in days" in response.text
    assert stored(app) is None


def test_a_reference_already_taken_is_refused_on_its_field(app, editor, register, customer_id):
    response = create(editor, register, organisation="Other SA")
    assert response.status_code == 400
    assert "There is already a customer with the reference C-1042." in response.text


def test_a_notice_period_that_is_not_a_number_is_a_form_error(app, editor, register):
    response = create(editor, register, notice_days="1e309")
    assert response.status_code == 400
    assert stored(app) is None


def test_the_first_contact_is_recorded_with_the_customer(app, customer_id):
    [contact] = stored(app).contacts
    assert (contact.name, contact.email) == ("Claire Dupont", "claire@acme.example")


def test_recording_a_customer_puts_its_contacts_on_the_trail_by_pseudonym_only(app, customer_id):
    [event] = events(app, "customer.created")
    [contact] = stored(app).contacts
    assert event.after["contacts"] == [contact.pseudonym]
    assert "claire" not in repr((event.before, event.after)).lower()


def test_editing_a_customer_stores_the_change(app, editor, customer_id, register):
    address = f"/admin/customers/{customer_id}"
    form = {f"customer-{key}": value for key, value in customer_form(register).items()}
    form |= {"customer-notice_days": "60", "customer-authorisation": "specific"}
    response = post(editor, f"{address}/edit", form, page=address)
    assert response.status_code == 302
    customer = stored(app)
    assert (customer.notice_days, customer.authorisation.value) == (60, "specific")


def test_editing_a_customer_writes_its_audit_event_without_contact_names(
    app, editor, customer_id, register
):
    address = f"/admin/customers/{customer_id}"
    form = {f"customer-{key}": value for key, value in customer_form(register).items()}
    post(editor, f"{address}/edit", form | {"customer-notice_days": "60"}, page=address)
    [event] = events(app, "customer.updated")
    assert (event.before["notice_days"], event.after["notice_days"]) == (30, 60)
    assert "claire" not in repr(event.after).lower()


def test_an_editor_adds_a_contact(app, editor, customer_id):
    address = f"/admin/customers/{customer_id}"
    data = {
        "contact-name": "Marc Weber",
        "contact-email": "Marc@Acme.example",
        "contact-role": "DPO",
    }
    assert post(editor, f"{address}/contacts", data, page=address).status_code == 302
    assert [c.email for c in stored(app).contacts] == ["claire@acme.example", "marc@acme.example"]


def test_a_contact_with_a_bad_address_is_refused(app, editor, customer_id):
    address = f"/admin/customers/{customer_id}"
    data = {"contact-name": "Marc", "contact-email": "not an address"}
    assert post(editor, f"{address}/contacts", data, page=address).status_code == 400
    assert len(stored(app).contacts) == 1


def erase(client, customer_id, contact_id, ticked=True):
    address = f"/admin/customers/{customer_id}"
    data = {f"erase-{contact_id}-confirm": "y"} if ticked else {}
    token = csrf_token(client, address)
    return client.post(
        f"{address}/contacts/{contact_id}/erase",
        data={f"erase-{contact_id}-csrf_token": token, **data},
    )


def test_an_admin_erases_a_contacts_name_and_address(app, logged_in, customer_id):
    admin = logged_in(Role.ADMIN)
    [contact] = stored(app).contacts
    assert erase(admin, customer_id, contact.id).status_code == 302
    with app.app_context():
        erased = db.session.get(CustomerContact, contact.id)
        assert (erased.name, erased.email, erased.erased_at is not None) == (None, None, True)


def test_erasing_without_ticking_the_box_keeps_the_contact(app, logged_in, customer_id):
    admin = logged_in(Role.ADMIN)
    [contact] = stored(app).contacts
    response = erase(admin, customer_id, contact.id, ticked=False)
    assert response.status_code == 400
    assert stored(app).contacts[0].email == "claire@acme.example"


def test_the_erase_form_says_the_erasure_cannot_be_undone(logged_in, customer_id):
    admin = logged_in(Role.ADMIN)
    assert "The erasure cannot be undone." in admin.get(f"/admin/customers/{customer_id}").text


def test_an_editor_cannot_erase_a_contact(app, editor, customer_id):
    [contact] = stored(app).contacts
    assert erase(editor, customer_id, contact.id).status_code == 403
    assert stored(app).contacts[0].erased_at is None


def test_a_viewer_cannot_record_a_customer(app, logged_in, register):
    viewer = logged_in(Role.VIEWER)
    data = {"csrf_token": csrf_token(viewer, "/admin/"), **customer_form(register)}
    assert viewer.post("/admin/customers", data=data).status_code == 403
    assert stored(app) is None


def test_a_viewer_reads_the_customers(logged_in, customer_id, client):
    viewer = logged_in(Role.VIEWER)
    page = viewer.get("/admin/customers").text
    assert "Acme Telecom SA" in page and "C-1042" in page


def test_the_list_is_filtered_by_text(app, editor, register, customer_id):
    create(editor, register, organisation="Borealis AB", reference="B-7")
    page = editor.get("/admin/customers?q=borealis").text
    assert "Borealis AB" in page and "Acme Telecom SA" not in page


def test_the_admin_nav_links_the_customers(editor):
    assert 'href="/admin/customers"' in editor.get("/admin/").text


def test_replacing_the_feed_token_changes_it_on_the_trail(app, editor, customer_id):
    before = stored(app).feed_token
    address = f"/admin/customers/{customer_id}"
    assert post(editor, f"{address}/feed-token", {}, page=address).status_code == 302
    assert stored(app).feed_token != before
    assert len(events(app, "customer.feed_token_replaced")) == 1


def csv_rows(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_csv_export_has_the_columns_and_one_row_per_customer(editor, customer_id):
    header, *rows = csv_rows(editor.get("/admin/customers.csv"))
    assert tuple(header) == COLUMNS
    assert rows == [
        [
            "C-1042",
            "Acme Telecom SA",
            "Mixvoip SA",
            "voice",
            "general",
            "30",
            "",
            "2025-01",
            "2025-01-15",
            "fr",
            "Claire Dupont <claire@acme.example>",
            "",
        ]
    ]


def test_the_export_joins_services_and_contacts_and_leaves_erased_contacts_out(
    app, logged_in, editor, register, customer_id
):
    address = f"/admin/customers/{customer_id}"
    data = {
        "contact-name": "Marc Weber",
        "contact-email": "marc@acme.example",
        "contact-role": "DPO",
    }
    post(editor, f"{address}/contacts", data, page=address)
    form = {f"customer-{key}": value for key, value in customer_form(register).items()}
    form["customer-services"] = [str(register["voice"]), str(register["fax"])]
    post(editor, f"{address}/edit", form, page=address)
    admin = logged_in(Role.ADMIN)
    erase(admin, customer_id, stored(app).contacts[0].id)
    header, row = csv_rows(admin.get("/admin/customers.csv"))
    assert row[header.index("services")] == "fax; voice"
    assert row[header.index("contacts")] == "Marc Weber <marc@acme.example> (DPO)"


def test_the_csv_export_keeps_a_spreadsheet_from_running_a_formula(editor, register):
    create(editor, register, organisation='=HYPERLINK("http://x")')
    header, row = csv_rows(editor.get("/admin/customers.csv"))
    assert row[header.index("organisation")] == '\'=HYPERLINK("http://x")'


def test_the_xlsx_export_holds_the_rows_with_formulas_as_text(editor, register):
    create(editor, register, organisation="=1+1")
    response = editor.get("/admin/customers.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert tuple(header) == COLUMNS
    assert (row[0], row[1], row[5]) == ("C-1042", "=1+1", 30)
    assert sheet.cell(row=2, column=2).data_type == "s"
