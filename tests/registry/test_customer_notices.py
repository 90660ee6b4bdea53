"""Each change notice as it applies to each customer: concerned by entity and services, its own
deadline from its own contract, approval where its authorisation is specific, held for it while
its objection is open, and the outcome that settles it. The clock is moved; nothing sleeps."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from registry import objections
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeKind,
    ChangeNotice,
    Customer,
    CustomerContact,
    CustomerNotice,
    DeliveryState,
    MessageKind,
    Objection,
    ObjectionOutcome,
    ObjectionState,
    OutboxMessage,
    Service,
    Subprocessor,
)
from registry.models.accounts import Role
from registry.notices import changes
from tests.web import csrf_token


@pytest.fixture
def world(app, clock, make_term, make_entity, make_subprocessor, make_customer):
    """Service A and service B at one entity; a 30-day general customer using A, a 90-day
    specific customer using A and B; a subprocessor to add for each service."""
    entity = make_entity(name="Example Telecom Luxembourg S.A.")
    service_a = make_term(Service, code="voice", name="Voice")
    service_b = make_term(Service, code="fax", name="Fax")
    first = make_customer(
        entity, [service_a], notice_days=30, organisation="Acme SA", reference="ACME-1"
    )
    second = make_customer(
        entity,
        [service_a, service_b],
        authorisation="specific",
        notice_days=90,
        organisation="Borealis AB",
        reference="BOR-2",
        contacts=(("Björn Berg", "bjorn@borealis.example"),),
    )
    only_b = make_subprocessor(
        name="Faxline", status="proposed", services=[service_b], entities=[entity]
    )
    for_a = make_subprocessor(
        name="Voicebox", status="proposed", services=[service_a], entities=[entity]
    )
    return {"first": first, "second": second, "only_b": only_b.id, "for_a": for_a.id}


def announce(app, subprocessor_id, **options) -> int:
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, subprocessor_id)
        notice = changes.announce(ChangeKind.ADDITION, subprocessor, "dpo@example.com", **options)
        db.session.commit()
        return notice.id


def records_of(app, notice_id) -> dict[str, CustomerNotice]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(CustomerNotice).where(CustomerNotice.notice_id == notice_id)
        ).all()
        return {record.customer.reference: record for record in found}


def notice_of(app, notice_id) -> ChangeNotice:
    with app.app_context():
        return db.session.get(ChangeNotice, notice_id)


def queued_to(app, kind: MessageKind) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == kind)
            ).all()
        )


def customer_objection(app, notice_id, customer_id) -> int:
    """The customer's contact objects through the signed link in its notice: counted at once."""
    with app.app_context():
        contact = db.session.get(Customer, customer_id).contacts[0]
        values = objections.ObjectionValues("", "", contact.name, "", "Not this subprocessor.")
        objection = objections.submit(
            db.session.get(ChangeNotice, notice_id),
            values,
            "en",
            known_address=True,
            contact=contact,
        )
        db.session.commit()
        return objection.id


def apply_due(runner):
    return runner.invoke(args=["notices", "apply-due"]).output


def test_a_change_touching_only_one_service_concerns_only_its_customers(app, world):
    notice_id = announce(app, world["only_b"])
    assert list(records_of(app, notice_id)) == ["BOR-2"]


def test_a_change_emails_only_the_contacts_of_the_customers_it_concerns(app, world):
    announce(app, world["only_b"])
    assert queued_to(app, MessageKind.CUSTOMER_NOTICE_ANNOUNCED) == ["bjorn@borealis.example"]


def test_each_customer_gets_the_deadline_of_its_own_notice_period(app, world):
    notice_id = announce(app, world["for_a"])
    records = records_of(app, notice_id)
    assert records["ACME-1"].objection_deadline == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert records["BOR-2"].objection_deadline == datetime(2027, 1, 31, 9, 0, tzinfo=UTC)


def test_the_change_takes_effect_at_the_latest_customer_deadline(app, world):
    notice_id = announce(app, world["for_a"])
    assert notice_of(app, notice_id).takes_effect_at == datetime(2027, 1, 31, 9, 0, tzinfo=UTC)


def test_a_later_chosen_day_is_kept_over_the_customers_deadlines(app, world):
    later = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    notice_id = announce(app, world["for_a"], takes_effect_at=later)
    assert notice_of(app, notice_id).takes_effect_at == later


def test_a_shortened_window_shortens_a_customers_deadline_only_as_its_contract_allows(
    app, clock, make_term, make_entity, make_subprocessor, make_customer
):
    app.config["NOTICE_WINDOW_MIN_DAYS"] = 10
    entity, service = make_entity(), make_term(Service)
    make_customer(entity, [service], notice_days=30, shortest_notice_days=14, reference="S-14")
    make_customer(entity, [service], notice_days=30, reference="S-NONE")
    proposed = make_subprocessor(status="proposed", services=[service], entities=[entity])
    records = records_of(app, announce(app, proposed.id, window_days=10))
    assert (records["S-14"].notice_days, records["S-NONE"].notice_days) == (14, 30)


def test_a_specific_authorisation_customer_is_asked_to_approve(app, world):
    notice_id = announce(app, world["for_a"])
    records = records_of(app, notice_id)
    assert (records["ACME-1"].needs_approval, records["BOR-2"].needs_approval) == (False, True)


def test_without_approval_the_change_is_held_for_that_customer_only(app, world, clock, runner):
    notice_id = announce(app, world["for_a"])
    clock.move(days=91)
    apply_due(runner)
    records = records_of(app, notice_id)
    assert (records["ACME-1"].effect.value, records["BOR-2"].effect.value) == ("in_effect", "held")


def test_an_approval_after_the_change_took_effect_puts_it_in_effect_for_the_customer(
    app, world, clock, runner, logged_in
):
    notice_id = announce(app, world["for_a"])
    clock.move(days=91)
    apply_due(runner)
    admin = logged_in(Role.ADMIN)
    page = f"/admin/changes/{notice_id}"
    prefix = f"approval-{world['second']}"
    response = admin.post(
        f"/admin/changes/{notice_id}/customers/{world['second']}/approve",
        data={
            f"{prefix}-csrf_token": csrf_token(admin, page),
            f"{prefix}-evidence": "Signed letter of 1 Feb 2027, contracts/BOR-2",
        },
    )
    assert response.status_code == 302
    record = records_of(app, notice_id)["BOR-2"]
    assert (record.effect.value, record.approved_by) == ("in_effect", "admin@example.com")


def test_a_written_approval_needs_to_say_where_it_is_filed(app, world, logged_in):
    notice_id = announce(app, world["for_a"])
    admin = logged_in(Role.ADMIN)
    prefix = f"approval-{world['second']}"
    response = admin.post(
        f"/admin/changes/{notice_id}/customers/{world['second']}/approve",
        data={f"{prefix}-csrf_token": csrf_token(admin, f"/admin/changes/{notice_id}")},
    )
    assert response.status_code == 400
    assert records_of(app, notice_id)["BOR-2"].approved_at is None


def test_an_objection_from_a_customers_link_binds_that_customer(app, world):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    with app.app_context():
        objection = db.session.get(Objection, objection_id)
        assert (objection.customer_id, objection.state) == (world["first"], ObjectionState.OPEN)


def test_an_objection_giving_a_reference_and_a_registered_contact_binds_the_customer(app, world):
    notice_id = announce(app, world["for_a"])
    with app.app_context():
        values = objections.ObjectionValues(
            "Acme SA", "ACME-1", "Claire Dupont", "Claire@Acme.example", "No."
        )
        objection = objections.submit(db.session.get(ChangeNotice, notice_id), values, "en")
        db.session.commit()
        assert objection.customer_id == world["first"]


def test_an_objection_with_an_unregistered_address_binds_no_customer(app, world):
    notice_id = announce(app, world["for_a"])
    with app.app_context():
        values = objections.ObjectionValues("Acme SA", "ACME-1", "Eve", "eve@else.example", "No.")
        objection = objections.submit(db.session.get(ChangeNotice, notice_id), values, "en")
        db.session.commit()
        assert objection.customer_id is None


def test_a_customer_objects_until_its_own_later_deadline(app, world, clock):
    notice_id = announce(app, world["for_a"])
    clock.move(days=60)  # past the public 30-day deadline, before the second's 90 days
    objection_id = customer_objection(app, notice_id, world["second"])
    with app.app_context():
        assert db.session.get(Objection, objection_id).state is ObjectionState.OPEN


def test_the_trail_knows_a_customers_objector_by_pseudonym_only(app, world):
    notice_id = announce(app, world["for_a"])
    customer_objection(app, notice_id, world["first"])
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject_type == "objection")
        ).all()
        pseudonym = db.session.get(Customer, world["first"]).contacts[0].pseudonym
    text = repr([(event.actor, event.before, event.after) for event in events])
    assert "claire@acme.example" not in text and "Claire Dupont" not in text
    assert pseudonym in text


def test_while_its_objection_is_open_the_dashboard_says_the_subprocessor_must_not_process_its_data(
    app, world, logged_in
):
    notice_id = announce(app, world["for_a"])
    customer_objection(app, notice_id, world["first"])
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "Voicebox must not process Acme SA&#39;s data" in page


def test_the_changes_admin_page_says_the_same_with_the_date(app, world, logged_in):
    notice_id = announce(app, world["for_a"])
    customer_objection(app, notice_id, world["first"])
    page = logged_in(Role.VIEWER).get(f"/admin/changes/{notice_id}").text
    section = page.split('id="must-not-process"')[1].split("</section>")[0]
    assert "Voicebox must not process Acme SA&#39;s data" in section
    assert "Objection received on" in section


def test_the_dashboard_says_when_an_approval_is_awaited(app, world, logged_in):
    announce(app, world["for_a"])
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "Voicebox must not process Borealis AB&#39;s data" in page
    assert "approval awaited" in page


def test_at_effect_the_change_is_held_for_the_objecting_customer(app, world, clock, runner):
    notice_id = announce(app, world["for_a"])
    customer_objection(app, notice_id, world["first"])
    clock.move(days=91)
    apply_due(runner)
    assert records_of(app, notice_id)["ACME-1"].effect.value == "held"


def test_resolving_as_data_excluded_settles_the_change_for_the_customer(app, world, clock, runner):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    clock.move(days=91)
    apply_due(runner)
    with app.app_context():
        objection = db.session.get(Objection, objection_id)
        objections.triage(
            objection, "legal@example.com", ObjectionState.RESOLVED, ObjectionOutcome.DATA_EXCLUDED
        )
        db.session.commit()
    assert records_of(app, notice_id)["ACME-1"].effect.value == "excluded"


def test_a_resolved_objection_queues_its_outcome_to_the_contact(app, world):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    with app.app_context():
        objections.triage(
            db.session.get(Objection, objection_id),
            "legal@example.com",
            ObjectionState.RESOLVED,
            ObjectionOutcome.DATA_EXCLUDED,
        )
        db.session.commit()
    assert queued_to(app, MessageKind.OBJECTION_OUTCOME) == ["claire@acme.example"]


def test_a_rejected_objection_puts_a_held_change_in_effect(app, world, clock, runner):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    clock.move(days=91)
    apply_due(runner)
    with app.app_context():
        objections.triage(
            db.session.get(Objection, objection_id),
            "legal@example.com",
            ObjectionState.RESOLVED,
            ObjectionOutcome.REJECTED,
            reason="The addendum already covers Voicebox.",
        )
        db.session.commit()
    assert records_of(app, notice_id)["ACME-1"].effect.value == "in_effect"


def test_ending_the_contract_records_the_end_and_sends_no_more_notices(app, world, clock):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    with app.app_context():
        objections.triage(
            db.session.get(Objection, objection_id),
            "legal@example.com",
            ObjectionState.RESOLVED,
            ObjectionOutcome.CONTRACT_ENDED_BY_US,
        )
        db.session.commit()
        assert db.session.get(Customer, world["first"]).contract_ended_on is not None
    later = announce(app, world["only_b"])
    assert "ACME-1" not in records_of(app, later)
    assert records_of(app, notice_id)["ACME-1"].effect.value == "contract_ended"


def test_withdrawing_the_change_resolves_its_open_objections_and_tells_the_customers(app, world):
    notice_id = announce(app, world["for_a"])
    objection_id = customer_objection(app, notice_id, world["first"])
    with app.app_context():
        changes.withdraw(db.session.get(ChangeNotice, notice_id), "dpo@example.com", "Not needed")
        db.session.commit()
        objection = db.session.get(Objection, objection_id)
        assert objection.outcome is ObjectionOutcome.CHANGE_WITHDRAWN
    assert {r.effect.value for r in records_of(app, notice_id).values()} == {"withdrawn"}
    assert queued_to(app, MessageKind.CUSTOMER_NOTICE_WITHDRAWN) == [
        "bjorn@borealis.example",
        "claire@acme.example",
    ]


def test_moving_a_notice_later_moves_every_customers_deadline(app, world, logged_in):
    notice_id = announce(app, world["for_a"])
    admin = logged_in(Role.ADMIN)
    response = admin.post(
        f"/admin/changes/{notice_id}/move-later",
        data={
            "csrf_token": csrf_token(admin, f"/admin/changes/{notice_id}"),
            "days": "14",
            "reason": "The customers asked for time to assess.",
        },
    )
    assert response.status_code == 302
    records = records_of(app, notice_id)
    assert records["ACME-1"].objection_deadline == datetime(2026, 12, 16, 9, 0, tzinfo=UTC)
    assert records["BOR-2"].revision == 1
    assert notice_of(app, notice_id).takes_effect_at == datetime(2027, 2, 14, 9, 0, tzinfo=UTC)


def test_moving_a_notice_later_emails_the_customers_their_new_dates(app, world):
    notice_id = announce(app, world["for_a"])
    with app.app_context():
        changes.move_later(db.session.get(ChangeNotice, notice_id), 7, "dpo@example.com", "Time")
        db.session.commit()
    assert len(queued_to(app, MessageKind.CUSTOMER_NOTICE_MOVED)) == 2


def test_a_notice_is_never_moved_by_zero_or_negative_days(app, world, logged_in):
    notice_id = announce(app, world["for_a"])
    admin = logged_in(Role.ADMIN)
    response = admin.post(
        f"/admin/changes/{notice_id}/move-later",
        data={
            "csrf_token": csrf_token(admin, f"/admin/changes/{notice_id}"),
            "days": "-3",
            "reason": "Earlier",
        },
    )
    assert response.status_code == 400
    assert notice_of(app, notice_id).takes_effect_at == datetime(2027, 1, 31, 9, 0, tzinfo=UTC)


def test_each_customer_is_reminded_before_its_own_deadline(app, world, clock, runner):
    announce(app, world["for_a"])
    clock.move(days=25)  # the first's 30-day deadline is 5 days away; the second's is not near
    runner.invoke(args=["worker", "--once"])
    assert queued_to(app, MessageKind.CUSTOMER_NOTICE_REMINDER) == ["claire@acme.example"]


def test_an_erased_contact_is_sent_nothing_more(app, world):
    with app.app_context():
        from registry import customers

        contact = db.session.get(Customer, world["second"]).contacts[0]
        customers.erase_contact(contact, "dpo@example.com")
        db.session.commit()
        assert db.session.get(CustomerContact, contact.id).email is None
    announce(app, world["only_b"])
    assert queued_to(app, MessageKind.CUSTOMER_NOTICE_ANNOUNCED) == []


def test_the_change_page_shows_each_customers_deadline_and_standing(app, world, logged_in):
    notice_id = announce(app, world["for_a"])
    page = logged_in(Role.VIEWER).get(f"/admin/changes/{notice_id}").text
    section = page.split('id="customers-concerned"')[1].split("</section>")[0]
    assert "Acme SA" in section and "Borealis AB" in section
    assert "90 days" in section and "Awaited" in section


def test_the_public_notice_says_deadlines_depend_on_the_contract(app, world, client):
    notice_id = announce(app, world["for_a"])
    page = client.get(f"/changes/{notice_id}").text
    assert "depends on its contract" in page and "30 days" in page


def test_a_delivery_to_a_customer_is_recorded_as_proof(app, world, runner):
    announce(app, world["only_b"])
    runner.invoke(args=["worker", "--once"])
    with app.app_context():
        message = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.CUSTOMER_NOTICE_ANNOUNCED
            )
        )
        assert (message.state, message.contact_id is not None) == (DeliveryState.SENT, True)


def test_after_the_public_deadline_the_form_still_takes_a_later_customers_objection(
    app, world, clock, client
):
    notice_id = announce(app, world["for_a"])
    clock.move(days=45)  # past the public 30 days, before the second customer's 90
    address = f"/changes/{notice_id}/object"
    form = {
        "csrf_token": csrf_token(client, address),
        "organisation": "Borealis AB",
        "customer_reference": "BOR-2",
        "contact_name": "Björn Berg",
        "contact_email": "bjorn@borealis.example",
        "grounds": "Not without our approval.",
    }
    assert client.post(address, data=form).status_code == 302
    with app.app_context():
        objection = db.session.scalar(sa.select(Objection))
        assert (objection.customer_id, objection.state) == (
            world["second"],
            ObjectionState.UNCONFIRMED,
        )


def test_after_the_public_deadline_an_objection_from_no_later_customer_is_refused(
    app, world, clock, client
):
    notice_id = announce(app, world["for_a"])
    clock.move(days=45)
    address = f"/changes/{notice_id}/object"
    form = {
        "csrf_token": csrf_token(client, address),
        "organisation": "Acme SA",
        "customer_reference": "ACME-1",
        "contact_name": "Claire Dupont",
        "contact_email": "claire@acme.example",
        "grounds": "Too late for our 30 days.",
    }
    assert client.post(address, data=form).status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Objection)) == 0
