"""No write path changes the register without an audit event: each service is run, the tables
are compared before and after, and a change must come with a new event in the same commit."""

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry import accounts, assessments, chain, customers, dpf, objections
from registry.chain import watch
from registry.customers import imports as customer_imports
from registry.customers import notices as customer_notices
from registry.customers import webhooks
from registry.demo import load_demo
from registry.extensions import db
from registry.models import (
    AuditEvent,
    Authorisation,
    ChainReview,
    ChainSource,
    ChangeKind,
    ChangeNotice,
    Customer,
    CustomerImport,
    ListFormat,
    Objection,
    ObjectionState,
    ProcessingLocation,
    RegisterImport,
    ReviewState,
    Subprocessor,
    TransferAssessment,
    User,
    WebhookEndpoint,
)
from registry.models.accounts import Role
from registry.notices import changes
from registry.register import drafts
from registry.register_file import export_bytes, importing
from transfers import laws
from transfers.grounds import TransferTool
from transfers.risk import Conclusion

DPF_LIST_FILE = Path(__file__).parent.parent / "data" / "dpf_list.csv"
WATCHED = [
    table for table in db.metadata.sorted_tables if table.name not in ("audit_event", "audit_head")
]


def _contents() -> dict:
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in WATCHED
    }


def _events() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def _draft_values(make_term, make_entity):
    from registry.models import (
        DataCategory,
        DataSubjectCategory,
        Purpose,
        RecipientCategory,
        Service,
    )

    return drafts.DraftValues(
        name="Nimbus Cloud",
        legal_name="Nimbus Cloud Inc.",
        address="Boston",
        country="US",
        website=None,
        recipient_category_id=make_term(RecipientCategory).id,
        purpose_ids=[make_term(Purpose).id],
        service_ids=[make_term(Service).id],
        data_category_ids=[make_term(DataCategory).id],
        data_subject_category_ids=[make_term(DataSubjectCategory).id],
        entity_ids=[make_entity().id],
    )


def _assessment(setup, name) -> TransferAssessment:
    return db.session.get(TransferAssessment, setup[name])


def _india(setup, name) -> ProcessingLocation:
    return db.session.get(ProcessingLocation, setup[name])


COMPLETE = assessments.AssessmentValues(
    data_format="In clear over TLS",
    access_from="Support agents in Bengaluru",
    law_findings=tuple(
        {"law": law.code, "applies": True, "finding": "Read"} for law in laws.laws_of("IN")
    ),
    risk_paths=tuple(
        {"law": law.code, "request": 0.1, "covers": 0.1, "in_clear": 0.1}
        for law in laws.laws_of("IN")
        if law.access
    ),
    practice_findings="No request known",
    conclusion=Conclusion.ACCEPTABLE,
    reasoning="Low exposure",
    scc_signed_on=date(2025, 1, 15),
)


def _import_row(reference: str, entity: str = "Example Entity SA", service: str = "") -> dict:
    """A row of a customers' file, as `registry.customers.sheets` reads it."""
    return {
        "row": 2,
        "reference": reference,
        "organisation": "Borealis Telecom",
        "entity": entity,
        "services": service,
        "authorisation": "general",
        "notice_days": "60",
        "shortest_notice_days": "",
        "dpa_version": "",
        "dpa_signed_on": "",
        "language": "en",
        "contacts": "Björn <bjorn@borealis.example>",
        "contract_ended_on": "",
    }


def _list_changed(source_id: int) -> ChainSource:
    """The source, its file replaced as a vendor would send a new one (the file alone is not
    on the trail: the check that reads it is)."""
    source = db.session.get(ChainSource, source_id)
    source.content = "name\nLux Relay\nTallinn Telecom\n"
    return source


SERVICES = {
    "assessments.start": lambda setup: assessments.start(
        _india(setup, "unassessed_id"), "editor@x.example"
    ),
    "assessments.update": lambda setup: assessments.update(
        _assessment(setup, "draft_assessment_id"), COMPLETE, "editor@x.example"
    ),
    "assessments.submit": lambda setup: assessments.submit(
        _assessment(setup, "complete_assessment_id"), "editor@x.example"
    ),
    "assessments.send_back": lambda setup: assessments.send_back(
        _assessment(setup, "review_assessment_id"), "admin@x.example", "Say more on s.69"
    ),
    "assessments.discard": lambda setup: assessments.discard(
        _assessment(setup, "draft_assessment_id"), "editor@x.example"
    ),
    "assessments.approve": lambda setup: assessments.approve(
        _assessment(setup, "review_assessment_id"), "admin@x.example"
    ),
    "demo.load_demo": lambda setup: load_demo(),
    "accounts.create_user": lambda setup: accounts.create_user(
        "new@example.com", "a long password", Role.VIEWER, "test"
    ),
    "accounts.issue_api_token": lambda setup: accounts.issue_api_token(
        db.session.get(User, setup["user_id"]), "test"
    ),
    "accounts.revoke_api_tokens": lambda setup: accounts.revoke_api_tokens(
        db.session.get(User, setup["user_id"]), "test"
    ),
    "accounts.end_sessions": lambda setup: accounts.end_sessions(
        db.session.get(User, setup["user_id"]), "test"
    ),
    "accounts.deactivate_user": lambda setup: accounts.deactivate_user(
        db.session.get(User, setup["user_id"]), "test"
    ),
    "drafts.create_draft": lambda setup: drafts.create_draft(setup["draft_values"], "test"),
    "drafts.add_location": lambda setup: drafts.add_location(
        db.session.get(Subprocessor, setup["draft_id"]),
        drafts.LocationValues(country="IN", role="processing"),
        "test",
    ),
    "drafts.update_draft": lambda setup: drafts.update_draft(
        db.session.get(Subprocessor, setup["draft_id"]), setup["draft_values"], "test"
    ),
    "drafts.record_ground_facts": lambda setup: drafts.record_ground_facts(
        db.session.get(ProcessingLocation, setup["unassessed_id"]).subprocessor,
        setup["unassessed_id"],
        drafts.LocationValues("", "", scc_signed_on="2025-03-12"),
        "test",
    ),
    "drafts.record_importer_facts": lambda setup: drafts.record_importer_facts(
        db.session.get(Subprocessor, setup["active_id"]),
        drafts.ImporterValues(dpf_certified=True, dpf_verified_on=date(2026, 11, 16)),
        "test",
    ),
    "drafts.remove_location": lambda setup: drafts.remove_location(
        db.session.get(Subprocessor, setup["draft_id"]),
        db.session.get(Subprocessor, setup["draft_id"]).locations[0].id,
        "test",
    ),
    "changes.publish_editorial": lambda setup: changes.publish_editorial(
        db.session.get(Subprocessor, setup["active_id"]),
        {"address": "Corrected street 1"},
        "A typo",
        "test",
    ),
    "changes.announce": lambda setup: changes.announce(
        ChangeKind.ADDITION, db.session.get(Subprocessor, setup["draft_id"]), "test"
    ),
    "changes.withdraw": lambda setup: changes.withdraw(
        db.session.get(ChangeNotice, setup["notice_id"]), "test", "A reason"
    ),
    "changes.apply_due": lambda setup: changes.apply_due(),
    "changes.move_later": lambda setup: changes.move_later(
        db.session.get(ChangeNotice, setup["notice_id"]), 14, "test", "More time to assess"
    ),
    "objections.submit": lambda setup: objections.submit(
        db.session.get(ChangeNotice, setup["notice_id"]),
        objections.ObjectionValues("Acme", "C-9", "Claire", "new@acme.example", "Grounds"),
        "en",
    ),
    "objections.confirm": lambda setup: objections.confirm(
        db.session.get(Objection, setup["unconfirmed_id"])
    ),
    "customers.create_customer": lambda setup: customers.create_customer(
        customers.CustomerValues(
            organisation="Borealis Telecom",
            reference="B-77",
            entity_id=setup["entity_id"],
            service_ids=[setup["service_id"]],
            authorisation=Authorisation.GENERAL,
            notice_days=60,
            contacts=[customers.ContactValues("Björn", "bjorn@borealis.example")],
        ),
        "test",
    ),
    "customers.update_customer": lambda setup: customers.update_customer(
        db.session.get(Customer, setup["customer_id"]),
        customers.CustomerValues(
            organisation="Acme Telecom SA",
            reference="C-1042",
            entity_id=setup["entity_id"],
            service_ids=[setup["service_id"]],
            authorisation=Authorisation.SPECIFIC,
            notice_days=90,
        ),
        "test",
    ),
    "customers.add_contact": lambda setup: customers.add_contact(
        db.session.get(Customer, setup["customer_id"]),
        customers.ContactValues("Marc", "marc@acme.example", "DPO"),
        "test",
    ),
    "customers.erase_contact": lambda setup: customers.erase_contact(
        db.session.get(Customer, setup["customer_id"]).contacts[0], "test"
    ),
    "customers.replace_feed_token": lambda setup: customers.replace_feed_token(
        db.session.get(Customer, setup["customer_id"]), "test"
    ),
    "webhooks.register_endpoint": lambda setup: webhooks.register_endpoint(
        db.session.get(Customer, setup["customer_id"]),
        webhooks.EndpointValues("https://hooks.example.com/b", "slack"),
        "test",
    ),
    "webhooks.rotate_secret": lambda setup: webhooks.rotate_secret(
        db.session.get(WebhookEndpoint, setup["endpoint_id"]), "test"
    ),
    "webhooks.disable": lambda setup: webhooks.disable(
        db.session.get(WebhookEndpoint, setup["endpoint_id"]), "test", "by a test"
    ),
    "webhooks.enable": lambda setup: webhooks.enable(
        db.session.get(WebhookEndpoint, setup["disabled_endpoint_id"]), "test"
    ),
    "webhooks.delete": lambda setup: webhooks.delete(
        db.session.get(WebhookEndpoint, setup["endpoint_id"]), "test"
    ),
    "webhooks.send_test": lambda setup: webhooks.send_test(
        db.session.get(WebhookEndpoint, setup["endpoint_id"]), "test"
    ),
    "imports.store_preview": lambda setup: customer_imports.store_preview(
        "customers.csv", [_import_row("B-78")], "test"
    ),
    "imports.applying": lambda setup: list(
        customer_imports.applying(db.session.get(CustomerImport, setup["import_id"]), "test")
    ),
    "imports.apply_import": lambda setup: customer_imports.apply_import(
        db.session.get(CustomerImport, setup["import_id"]), "test"
    ),
    "importing.preview": lambda setup: importing.preview(
        "register.json", setup["register_file"], "test"
    ),
    "importing.apply_import": lambda setup: importing.apply_import(
        db.session.get(RegisterImport, setup["register_import_id"]), "test"
    ),
    "importing.import_file": lambda setup: importing.import_file(
        "register.json", setup["register_file"], "test"
    ),
    "notices.approve": lambda setup: customer_notices.approve(
        customer_notices.record_for(setup["notice_id"], setup["customer_id"]), "admin", "test"
    ),
    "chain.draft_member": lambda setup: chain.draft_member(
        db.session.get(Subprocessor, setup["active_id"]),
        chain.ChainMember(
            "Lux Relay",
            "Lux Relay SA",
            "Luxembourg",
            "LU",
            "DPO",
            "Relays email",
            db.session.get(Subprocessor, setup["active_id"]).recipient_category_id,
        ),
        "test",
    ),
    "chain.link": lambda setup: chain.link(
        db.session.get(Subprocessor, setup["active_id"]),
        db.session.get(Subprocessor, setup["draft_id"]),
        "Hosts it",
        "test",
    ),
    "chain.record_flow_down": lambda setup: chain.record_flow_down(
        db.session.get(Subprocessor, setup["active_id"]), "Clause 11.2", date(2025, 1, 1), "test"
    ),
    "dpf.import_list": lambda setup: dpf.import_list(
        "dpf_list.csv", DPF_LIST_FILE.read_bytes(), "test"
    ),
    "watch.set_source": lambda setup: watch.set_source(
        db.session.get(Subprocessor, setup["active_id"]),
        watch.SourceValues(ListFormat.JSON, {}, url="https://engaged.example/subprocessors.json"),
        "test",
    ),
    "watch.check": lambda setup: watch.check(_list_changed(setup["source_id"]), "test"),
    "watch.close_review": lambda setup: watch.close_review(
        db.session.get(ChainReview, setup["chain_review_id"]), ReviewState.REVIEWED, "", "test"
    ),
    "watch.draft_from_review": lambda setup: watch.draft_from_review(
        db.session.get(ChainReview, setup["chain_review_id"]),
        0,
        chain.ChainMember(
            "Lux Relay",
            "Lux Relay SA",
            "Luxembourg",
            "LU",
            "DPO",
            "Relays email",
            db.session.get(Subprocessor, setup["active_id"]).recipient_category_id,
        ),
        "test",
    ),
    "objections.triage": lambda setup: objections.triage(
        db.session.get(Objection, setup["confirmed_id"]), "test", ObjectionState.IN_DISCUSSION
    ),
}


@pytest.fixture
def setup(app, clock, make_user, make_subprocessor, make_term, make_entity, make_customer):
    user_id = make_user(email="someone@example.com", role=Role.EDITOR)
    with app.app_context():
        accounts.issue_api_token(db.session.get(User, user_id), "t")
        db.session.commit()
    draft_id = make_subprocessor(name="A draft", status="proposed").id
    active_id = make_subprocessor(name="Engaged").id
    due = make_subprocessor(name="Due", status="proposed").id
    fresh_subprocessor = make_subprocessor(name="Fresh", status="proposed")
    fresh = fresh_subprocessor.id
    customer_id = make_customer(
        fresh_subprocessor.entities[0],
        fresh_subprocessor.services,
        authorisation="specific",
        reference="C-1042",
    )
    with app.app_context():
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, due), "t")
        db.session.commit()
    clock.move(days=31)  # the first notice is due; the second, announced now, is not
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, fresh), "t")
        db.session.commit()
        notice_id = notice.id
        values = objections.ObjectionValues("Acme", "C-1", "Claire", "c@acme.example", "Grounds")
        unconfirmed = objections.submit(notice, values, "en")
        values = objections.ObjectionValues("Acme", "C-2", "Claire", "c@acme.example", "Grounds")
        confirmed = objections.submit(notice, values, "en")
        objections.confirm(confirmed)
        db.session.commit()
        objection_ids = {"unconfirmed_id": unconfirmed.id, "confirmed_id": confirmed.id}
    india = {
        "country_code": "IN",
        "role": "follow_the_sun",
        "transfer_tool": TransferTool.SCC,
        "scc_module": 3,
    }
    # Made before the context below reads: on SQLite its transaction holds the write lock.
    names = ("unassessed_id", "draft_id_", "complete_id", "review_id")
    made = {name: make_subprocessor(name=f"India {name}", locations=[india]).id for name in names}
    with app.app_context():
        ids = {name: db.session.get(Subprocessor, made[name]).locations[0].id for name in names}
        draft = assessments.start(db.session.get(ProcessingLocation, ids["draft_id_"]), "e@x")
        complete = assessments.start(db.session.get(ProcessingLocation, ids["complete_id"]), "e@x")
        assessments.update(complete, COMPLETE, "e@x")
        review = assessments.start(db.session.get(ProcessingLocation, ids["review_id"]), "e@x")
        assessments.update(review, COMPLETE, "e@x")
        assessments.submit(review, "e@x")
        db.session.commit()
        objection_ids |= {
            "unassessed_id": ids["unassessed_id"],
            "draft_assessment_id": draft.id,
            "complete_assessment_id": complete.id,
            "review_assessment_id": review.id,
        }
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        values = webhooks.EndpointValues("https://hooks.example.com/a", "standard")
        endpoint, _secret = webhooks.register_endpoint(customer, values, "test")
        disabled, _secret = webhooks.register_endpoint(customer, values, "test")
        webhooks.disable(disabled, "test", "by a test")
        db.session.commit()
        objection_ids |= {"endpoint_id": endpoint.id, "disabled_endpoint_id": disabled.id}
    with app.app_context():
        row = _import_row(
            "B-79", fresh_subprocessor.entities[0].name, fresh_subprocessor.services[0].code
        )
        pending = customer_imports.store_preview("customers.xlsx", [row], "test")
        db.session.commit()
        objection_ids["import_id"] = pending.id
    with app.app_context():
        listed = watch.SourceValues(ListFormat.CSV, {}, file=b"name\nLux Relay\n", filename="l.csv")
        source = watch.set_source(db.session.get(Subprocessor, active_id), listed, "test")
        objection_ids["source_id"] = source.id
        objection_ids["chain_review_id"] = watch.check(source, "test").review_id
        db.session.commit()
    draft_values = _draft_values(make_term, make_entity)  # makes terms: before the file
    with app.app_context():
        edited = json.loads(export_bytes())
        edited["subprocessors"][0]["address"] = "Another street 1, Berlin"
        register_file = json.dumps(edited).encode()
        objection_ids["register_import_id"] = importing.preview("r.json", register_file, "t")[1].id
        db.session.commit()
    return {
        "register_file": register_file,
        "user_id": user_id,
        "draft_id": draft_id,
        "notice_id": notice_id,
        "draft_values": draft_values,
        "active_id": active_id,
        "customer_id": customer_id,
        "entity_id": fresh_subprocessor.entities[0].id,
        "service_id": fresh_subprocessor.services[0].id,
        **objection_ids,
    }


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_that_changes_the_register_writes_an_audit_event(app, setup, service):
    with app.app_context():
        before, events_before = _contents(), _events()
        SERVICES[service](setup)
        db.session.commit()
        changed = _contents() != before
        assert changed, f"{service} changed nothing: the test does not exercise it"
        assert _events() > events_before


READERS = {
    "authenticate",
    "user_by_email",
    "has_users",
    "normalised_email",
    "address_key",
    "user_by_api_token",
    "notice_snapshot",
    "draft_snapshot",
    "build_location",
    "identity_taken",
    "ensure_open",
    "refuse_location_held",
    "objection_snapshot",
    "awaiting_confirmation_beside",
    "open_for_customer",
    "open_to_a_customer",
    "open_deadlines",
    # registry.customers
    "customer_snapshot",
    "contact_for",
    "contacts_with_address",
    "concerned_customers",
    "notice_days",
    "deadlines",
    "record_for",
    "customer_notice_snapshot",
    # registry.chain
    "ancestors",
    "link_snapshot",
    # registry.chain.watch
    "differences",
    "sources",
    "due_sources",
    "source_snapshot",
    "open_review_of",
    "checked_values",
    "checked_contacts",
    # registry.customers.imports
    "plan",
    "expired",
    "check_applicable",
    # registry.assessments
    "needs_assessment",
    "series",
    "missing_parts",
    "risk_figure",
    "on_record",
    "register_facts",
    "fingerprint",
    "snapshot",
    "add_months",
    "transfer_facts",
    "contributors",
    "laws_fingerprint",
    # registry.dpf
    "last_import",
    # registry.customers.webhooks
    "signing_secrets",
    "checked_url",
    "endpoints_of",
    "endpoint_of",
    "delivery_log",
    "display_address",
    # registry.register_file.importing
    "read_document",
}


# Steps of an audited service, never called on their own: the service's event covers them.
STEPS = {
    "objections.close_for_withdrawn",  # in changes.withdraw
    "notices.open_for_customers",  # in changes.announce
    "notices.notify",
    "notices.take_effect",  # in changes.apply_due
    "notices.withdraw",  # in changes.withdraw
    "notices.move_later",  # in changes.move_later
    "notices.settle",  # in objections.triage
    "notices.hold",  # in objections.confirm
    "notices.queue_reminders",  # the worker's reminders, like the subscribers'
    # The worker's log of each delivery attempt, as the outbox's ledger records each message;
    # the disabling it may lead to is on the trail.
    "webhooks.record_attempt",
}


def test_every_write_service_is_in_the_list_above():
    import inspect

    from registry import demo

    written = {
        f"{module.__name__.rsplit('.', 1)[1]}.{name}"
        for module in (
            accounts,
            assessments,
            changes,
            drafts,
            demo,
            objections,
            customers,
            customer_notices,
            customer_imports,
            chain,
            dpf,
            watch,
            webhooks,
            importing,
        )
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and name not in READERS | {"register_is_empty"}
        and f"{module.__name__.rsplit('.', 1)[1]}.{name}" not in STEPS
    }
    assert written == set(SERVICES)
