"""A customer's own view, reached without a password: a contact asks for the link by email,
the link shows the register as it applies to the customer, its changes with its own deadlines,
what was sent to it and its private feeds; the contact approves and objects from there."""

from dataclasses import dataclass

import feedparser
import pytest
import sqlalchemy as sa

from registry import customers, tokens
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeKind,
    Customer,
    CustomerContact,
    MessageKind,
    Objection,
    OutboxMessage,
    Service,
    Subprocessor,
)
from registry.notices import changes
from tests.mailbox import delivered, link_in
from tests.web import client_from, csrf_token

LINK_SUBJECT = "Your link to the subprocessors"
# The customer's own deadline: 45 days after the announcement (the public one is 30).
OWN_DEADLINE = "December 17, 2026, 10:00 (Europe/Luxembourg)"
PUBLIC_DEADLINE = "December 2, 2026, 10:00 (Europe/Luxembourg)"


@dataclass(frozen=True)
class World:
    customer_id: int
    contact_id: int
    notice_id: int
    engaged_id: int


@pytest.fixture
def world(app, clock, make_subprocessor, make_term, make_customer):
    """Nimbus Cloud announced for the customer's service; Engaged already active for it; Other
    engaged by the same entity for another service only."""
    service = make_term(Service, name="Voice")
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed", services=[service])
    entity = proposed.entities[0]
    engaged = make_subprocessor(name="Engaged Mail", services=[service], entities=[entity])
    make_subprocessor(name="Other Service Co", entities=[entity])
    customer_id = make_customer(
        entity,
        [service],
        authorisation="specific",
        notice_days=45,
        organisation="Acme Telecom SA",
        reference="C-1042",
    )
    with app.app_context():
        notice = changes.announce(
            ChangeKind.ADDITION, db.session.get(Subprocessor, proposed.id), "t"
        )
        db.session.commit()
        contact = db.session.get(Customer, customer_id).contacts[0]
        return World(customer_id, contact.id, notice.id, engaged.id)


def view_address(app, contact_id: int) -> str:
    with app.app_context():
        return f"/customer/{tokens.sign(tokens.Purpose.CUSTOMER_VIEW, contact_id)}"


def ask_for_link(client, email="claire@acme.example"):
    token = csrf_token(client, "/customer")
    return client.post("/customer", data={"csrf_token": token, "email": email})


def link_emails(app, runner) -> list:
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    return [message for message in delivered(app) if LINK_SUBJECT in message["Subject"]]


def stored_customer(app, customer_id: int) -> Customer:
    with app.app_context():
        db.session().expire_on_commit = False
        customer = db.session.get(Customer, customer_id)
        customer.contacts  # noqa: B018 - loaded while the session is open
        return customer


def test_asking_for_the_link_emails_it_to_a_registered_contact(app, client, runner, world):
    response = ask_for_link(client)
    [message] = link_emails(app, runner)
    assert response.status_code == 302
    assert message["To"] == "claire@acme.example"
    assert link_in(message, "/customer/").startswith("/customer/")


def test_the_emailed_link_opens_the_customers_view(app, client, runner, world):
    ask_for_link(client)
    [message] = link_emails(app, runner)
    page = client.get(link_in(message, "/customer/"))
    assert page.status_code == 200
    assert "Subprocessors for Acme Telecom SA" in page.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(app, client, runner, world):
    known = ask_for_link(client)
    unknown = ask_for_link(client, "nobody@elsewhere.example")
    assert (unknown.status_code, unknown.location) == (known.status_code, known.location)
    assert [message["To"] for message in link_emails(app, runner)] == ["claire@acme.example"]


def test_a_malformed_address_is_refused_on_the_form(app, client, world):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 400
    assert "is not an email address" in response.text


def test_the_link_form_is_rate_limited_per_client(client, world):
    statuses = [ask_for_link(client, f"reader{n}@example.com").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_a_refused_link_request_does_not_count_against_the_client_limit(client, world):
    for _attempt in range(20):
        ask_for_link(client, "not an address")
    assert ask_for_link(client).status_code == 302


def test_asking_for_a_contacts_link_many_times_does_not_block_the_contact(app, world):
    attacker = client_from(app, "203.0.113.9")
    for _attempt in range(20):
        ask_for_link(attacker)
    owner = client_from(app, "198.51.100.7")
    assert ask_for_link(owner).status_code == 302


def test_a_contact_gets_at_most_three_links_a_day(app, runner, clock, world):
    client = client_from(app, "198.51.100.7")
    for _attempt in range(5):
        ask_for_link(client)
        clock.move(minutes=11)
    assert len(link_emails(app, runner)) == 3


def test_asking_twice_within_minutes_sends_one_link(app, client, runner, world):
    ask_for_link(client)
    ask_for_link(client)
    assert len(link_emails(app, runner)) == 1


def test_the_link_request_is_kept_as_proof_for_the_customer(app, client, runner, world):
    ask_for_link(client)
    link_emails(app, runner)
    with app.app_context():
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CUSTOMER_VIEW_LINK)
        )
        assert (message.contact_id, message.state.value) == (world.contact_id, "sent")


def test_an_erased_contact_is_sent_no_link(app, client, runner, world):
    with app.app_context():
        customers.erase_contact(db.session.get(CustomerContact, world.contact_id), "t")
        db.session.commit()
    ask_for_link(client)
    assert link_emails(app, runner) == []


def test_the_view_lists_only_the_subprocessors_of_the_customers_services(app, client, world):
    page = client.get(view_address(app, world.contact_id)).text
    register = page.split('id="register-heading"')[1].split("</section>")[0]
    assert "Engaged Mail" in register
    assert "Other Service Co" not in register


def test_the_view_gives_the_customers_own_deadline(app, client, world):
    page = client.get(view_address(app, world.contact_id)).text
    upcoming = page.split('id="upcoming-heading"')[1].split("</section>")[0]
    assert OWN_DEADLINE in upcoming
    assert PUBLIC_DEADLINE not in upcoming


def test_the_view_links_each_change_to_its_public_notice(app, client, world):
    page = client.get(view_address(app, world.contact_id)).text
    assert f'href="/changes/{world.notice_id}"' in page


def test_the_view_is_in_the_language_asked_for(app, client, world):
    page = client.get(view_address(app, world.contact_id) + "?lang=de").text
    assert "Bevorstehende Änderungen" in page


def test_the_view_is_kept_by_no_cache(app, client, world):
    response = client.get(view_address(app, world.contact_id))
    assert response.cache_control.no_store


def test_an_expired_link_is_refused_with_the_form_for_a_new_one(app, client, clock, world):
    address = view_address(app, world.contact_id)
    clock.move(days=121)
    response = client.get(address)
    assert response.status_code == 410
    assert 'action="/customer"' in response.text


def test_a_link_we_did_not_make_is_not_found(client, world):
    assert client.get("/customer/not-a-token").status_code == 404


def test_an_erased_contacts_link_is_refused(app, client, world):
    address = view_address(app, world.contact_id)
    with app.app_context():
        customers.erase_contact(db.session.get(CustomerContact, world.contact_id), "t")
        db.session.commit()
    response = client.get(address)
    assert response.status_code == 403
    assert "has since been removed" in response.text


def test_the_link_of_an_ended_contract_is_refused(app, client, clock, world):
    address = view_address(app, world.contact_id)
    with app.app_context():
        db.session.get(Customer, world.customer_id).contract_ended_on = clock().date()
        db.session.commit()
    assert client.get(address).status_code == 403


def approve(client, address, notice_id, with_token=True):
    data = {"csrf_token": csrf_token(client, address)} if with_token else {}
    return client.post(f"{address}/changes/{notice_id}/approve", data=data)


def test_approving_through_the_view_records_the_approval(app, client, world):
    response = approve(client, view_address(app, world.contact_id), world.notice_id)
    assert response.status_code == 303
    with app.app_context():
        record = customer_notices.record_for(world.notice_id, world.customer_id)
        contact = db.session.get(CustomerContact, world.contact_id)
        assert record.approved_by == contact.pseudonym


def test_the_approval_is_on_the_audit_trail_under_the_contacts_pseudonym(app, client, world):
    approve(client, view_address(app, world.contact_id), world.notice_id)
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "customer_notice.approved")
        )
        contact = db.session.get(CustomerContact, world.contact_id)
        assert event.actor == contact.pseudonym


def test_the_view_shows_the_approval_with_who_gave_it(app, client, world):
    address = view_address(app, world.contact_id)
    approve(client, address, world.notice_id)
    page = client.get(address).text
    assert "by Claire Dupont" in page
    assert "Approve this change" not in page


def test_approving_without_the_csrf_token_is_refused(app, client, world):
    response = approve(client, view_address(app, world.contact_id), world.notice_id, False)
    assert response.status_code == 400
    with app.app_context():
        assert customer_notices.record_for(world.notice_id, world.customer_id).approved_at is None


def test_approving_a_change_that_does_not_concern_the_customer_is_not_found(app, client, world):
    assert approve(client, view_address(app, world.contact_id), 9999).status_code == 404


def test_the_object_link_makes_the_contact_known_and_the_objection_counts(app, client, world):
    page = client.get(view_address(app, world.contact_id)).text
    address = page.split('href="/changes/')[2].split('"')[0].replace("&amp;", "&")
    form_page = client.get(f"/changes/{address}").text
    assert 'value="C-1042"' in form_page and OWN_DEADLINE in form_page
    token = csrf_token(client, f"/changes/{address}")
    form = {
        "csrf_token": token,
        "organisation": "Acme Telecom SA",
        "customer_reference": "C-1042",
        "contact_name": "Claire Dupont",
        "contact_email": "claire@acme.example",
        "grounds": "No transfers to the USA.",
        "contact": address.split("contact=")[1],
    }
    assert client.post(f"/changes/{address}", data=form).status_code == 302
    with app.app_context():
        objection = db.session.scalar(sa.select(Objection))
        assert (objection.state.value, objection.customer_id) == ("open", world.customer_id)


def test_the_view_shows_what_was_sent_to_the_customer(app, client, runner, world):
    ask_for_link(client)
    link_emails(app, runner)
    page = client.get(view_address(app, world.contact_id)).text
    sent = page.split('id="sent-heading"')[1].split("</section>")[0]
    assert "Link to a customer&#39;s own view" in sent
    assert "Claire Dupont" in sent


def feed_address(app, world, extension="atom") -> str:
    token = stored_customer(app, world.customer_id).feed_token
    return f"/customer-feeds/{token}.{extension}"


def test_the_private_feed_lists_the_notice_with_the_customers_deadline(app, client, world):
    parsed = feedparser.parse(client.get(feed_address(app, world)).data)
    [entry] = parsed.entries
    assert not parsed.bozo
    assert entry.title == "Announced: New subprocessor: Nimbus Cloud"
    assert OWN_DEADLINE in entry.summary


@pytest.mark.parametrize("extension", ["atom", "rss", "json", "ics"])
def test_the_private_feeds_are_kept_by_no_shared_cache(app, client, world, extension):
    response = client.get(feed_address(app, world, extension))
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public


def test_the_json_feed_follows_json_feed_1_1(app, client, world):
    document = client.get(feed_address(app, world, "json")).json
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in document["items"]] == [
        "Announced: New subprocessor: Nimbus Cloud"
    ]


def test_the_view_gives_the_private_feed_addresses(app, client, world):
    page = client.get(view_address(app, world.contact_id)).text
    assert feed_address(app, world, "ics") in page


def test_replacing_the_feed_token_makes_the_old_feed_not_found(app, client, world):
    old = feed_address(app, world)
    address = view_address(app, world.contact_id)
    response = client.post(
        f"{address}/feed-token", data={"csrf_token": csrf_token(client, address)}
    )
    assert response.status_code == 303
    assert client.get(old).status_code == 404
    assert client.get(feed_address(app, world)).status_code == 200


def test_replacing_the_feed_token_without_the_csrf_token_is_refused(app, client, world):
    old = feed_address(app, world)
    response = client.post(f"{view_address(app, world.contact_id)}/feed-token")
    assert response.status_code == 400
    assert client.get(old).status_code == 200


def test_an_unknown_feed_token_is_not_found(client, world):
    assert client.get("/customer-feeds/unknown.atom").status_code == 404
