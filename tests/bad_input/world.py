"""The register the bad-input test works on: the demo data, a user of each role, a personal API
token, a change notice with objections, subscribers, a customer the notice concerns, another
with a contact and a customers' file waiting for confirmation, a register file waiting for
confirmation, and transfer impact assessments in draft and in review, with the emails about
them written, and a subprocessor's own list (a file) with a review of its differences open, and
a webhook endpoint. Each exists so that a route has a real record to act on, and its form can be
sent as its page fills it."""

import json
import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from registry import accounts, assessments, customers, objections, subscriptions
from registry.chain import watch
from registry.customers import imports, webhooks
from registry.customers.view_links import send_view_links
from registry.extensions import db
from registry.models import (
    Authorisation,
    ChangeKind,
    Customer,
    Entity,
    ListFormat,
    LocationRole,
    ProcessingLocation,
    Service,
    Subprocessor,
    SubprocessorStatus,
    Subscriber,
)
from registry.models.accounts import Role
from registry.notices import changes
from registry.register_file import export_bytes, importing
from tests.bad_input.pages import read_page
from tests.conftest import PASSWORD
from tests.web import csrf_token, log_in

EMAILS = {role.value: f"{role.value}@example.com" for role in Role}


def populate(app: Flask) -> str:
    """Fill the register; the personal API token of the viewer."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        for role, email in [*EMAILS.items(), ("viewer", "leaver@example.com")]:
            accounts.create_user(email, PASSWORD, Role(role), actor="test")
        _subscribers()
        _notice_with_objections()
        _webhook_endpoint()
        _customer_with_a_pending_import()
        _chain_list_with_a_review()
        drafts = [_start_assessment(location) for location in _locations_to_assess()[:2]]
        _pending_register_import()
        db.session.commit()
    editor = app.test_client()
    assert log_in(editor, EMAILS["editor"]).status_code == 302
    _send_for_review(editor, drafts[-1])
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    return runner.invoke(args=["users", "token", EMAILS["viewer"]]).stdout.strip()


def _chain_list_with_a_review() -> None:
    harbourline = db.session.scalar(
        sa.select(Subprocessor).where(Subprocessor.name == "Harbourline CRM")
    )
    listed = b"name,legal_name,country\nNordic Mail,Nordic Mail AB,SE\n"
    values = watch.SourceValues(ListFormat.CSV, {}, file=listed, filename="list.csv")
    watch.check(watch.set_source(harbourline, values, "test"), "test")


def _subscribers() -> None:
    for email in ["reader@customer.example", "pending@customer.example"]:
        subscriptions.subscribe(email, "en", [])
    db.session.flush()
    reader = db.session.scalar(sa.select(Subscriber).filter_by(email="reader@customer.example"))
    subscriptions.confirm(reader)


def _notice_with_objections() -> None:
    """A notice of a new subprocessor, one objection to it confirmed and one not; and a draft."""
    template = db.session.scalars(sa.select(Subprocessor).order_by(Subprocessor.id)).first()
    announced = _proposed(template, "Nimbus Cloud", "DE")
    _proposed(template, "Stratus Draft", "US")
    db.session.flush()
    _customer(template)
    notice = changes.announce(ChangeKind.ADDITION, announced, EMAILS["admin"])
    # The link to the customer's own view, which the worker emails: the crawl starts there.
    send_view_links("dpo@borealis.example")
    for email in ["claire@acme.example", "paul@acme.example"]:
        values = objections.ObjectionValues("Acme SA", "C-1", "Claire", email, "No.")
        objection = objections.submit(notice, values, "en")
    objections.confirm(objection)


def _webhook_endpoint() -> None:
    """A webhook endpoint of the customer whose view the crawl reaches, made after the
    announcement: nothing is queued for it until a probe acts. Its address is a closed port on
    this machine (the world allows it), so a delivery never leaves it."""
    borealis = db.session.scalar(sa.select(Customer).where(Customer.reference == "B-77"))
    values = webhooks.EndpointValues("http://127.0.0.1:9/registry-hook", "standard", "Tooling")
    webhooks.register_endpoint(borealis, values, EMAILS["admin"])


def _customer(template: Subprocessor) -> None:
    """A customer the notice concerns, whose specific authorisation asks for its approval."""
    customers.create_customer(
        customers.CustomerValues(
            organisation="Borealis Telecom",
            reference="B-77",
            entity_id=template.entities[0].id,
            service_ids=[service.id for service in template.services],
            authorisation=Authorisation.SPECIFIC,
            notice_days=45,
            contacts=[customers.ContactValues("Björn Berg", "dpo@borealis.example")],
        ),
        EMAILS["admin"],
    )


def _customer_with_a_pending_import() -> None:
    """A customer with a contact, and a file that would change it, add one and refuse one."""
    entity = db.session.scalars(sa.select(Entity).order_by(Entity.id)).first()
    service = db.session.scalars(sa.select(Service).order_by(Service.id)).first()
    values = customers.CustomerValues(
        organisation="Acme SA",
        reference="C-1",
        entity_id=entity.id,
        service_ids=[service.id],
        authorisation=Authorisation.GENERAL,
        notice_days=30,
        contacts=[customers.ContactValues("Claire Dupont", "claire@acme.example", "DPO")],
    )
    customers.create_customer(values, EMAILS["admin"])
    row = {
        "row": 2,
        "reference": "C-1",
        "organisation": "Acme SA",
        "entity": entity.name,
        "services": service.code,
        "authorisation": "specific",
        "notice_days": "60",
        "shortest_notice_days": "",
        "dpa_version": "",
        "dpa_signed_on": "",
        "language": "fr",
        "contacts": "Paul <paul@acme.example>",
        "contract_ended_on": "",
    }
    created = row | {"row": 3, "reference": "C-2", "organisation": "Borealis AB"}
    refused = row | {"row": 4, "reference": "C-3", "entity": "Nowhere"}
    imports.store_preview("customers.xlsx", [row, created, refused], EMAILS["editor"])


def _pending_register_import() -> None:
    """A register file that would change a subprocessor's address, waiting for confirmation."""
    edited = json.loads(export_bytes())
    edited["subprocessors"][-1]["address"] = "Rue du Fort 1, 1000 Luxembourg"
    importing.preview("register.json", json.dumps(edited).encode(), EMAILS["admin"])


def _proposed(template: Subprocessor, name: str, country: str) -> Subprocessor:
    subprocessor = Subprocessor(
        name=name,
        legal_name=f"{name} GmbH",
        address="Musterstraße 1, 10115 Berlin, Germany",
        country_code="DE",
        website="https://nimbus.example",
        status=SubprocessorStatus.PROPOSED,
        recipient_category=template.recipient_category,
        purposes=list(template.purposes),
        services=list(template.services),
        data_categories=list(template.data_categories),
        data_subject_categories=list(template.data_subject_categories),
        entities=list(template.entities),
        locations=[ProcessingLocation(country_code=country, role=LocationRole.STORAGE)],
    )
    db.session.add(subprocessor)
    return subprocessor


def _locations_to_assess() -> list[ProcessingLocation]:
    located = db.session.scalars(sa.select(ProcessingLocation).order_by(ProcessingLocation.id))
    return [location for location in located if assessments.needs_assessment(location)]


def _start_assessment(location: ProcessingLocation) -> int:
    # Started by the editor, so that the admin may approve it (four eyes).
    return assessments.start(location, EMAILS["editor"]).id


def _send_for_review(client: FlaskClient, assessment_id: int) -> None:
    """Fill in the assessment's form as a careful author would, then send it for review."""
    address = f"/admin/assessments/{assessment_id}/edit"
    page = client.get(address).text
    [form] = [form for form in read_page(address, page).forms if form.action == address]
    sent = MultiDict(form.defaults)
    filled = MultiDict([("csrf_token", csrf_token(client, address))])
    for name, kind in form.kinds.items():
        if name == "csrf_token" or (kind == "checkbox" and name not in sent):
            continue
        given = [value for value in form.options.get(name, []) if value][:1]
        filler = {"number": "50", "select": given[0] if given else ""}.get(kind, "Example")
        filled.add(name, sent.get(name) or filler)
    assert client.post(address, data=filled).status_code == 302
    token = csrf_token(client, f"/admin/assessments/{assessment_id}")
    submitted = client.post(
        f"/admin/assessments/{assessment_id}/submit", data={"csrf_token": token}
    )
    assert submitted.status_code == 302, re.findall(r"<li>([^<]*)</li>", submitted.text)
