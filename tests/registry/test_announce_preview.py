"""Announcing in two steps: the admin first sees the notice and the email exactly as they would
go out, with the number of subscribers and the deadline, and nothing is stored until they
confirm; a refusal stays on the form it came from; the confirmation shows on the next admin
page."""

import re

import pytest
import sqlalchemy as sa

from registry import subscriptions
from registry.extensions import db
from registry.models import AuditEvent, ChangeNotice, OutboxMessage, Subprocessor
from registry.models.accounts import Role
from tests.web import csrf_token, log_in


@pytest.fixture
def admin(client, make_user):
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    return client


@pytest.fixture
def draft_id(make_subprocessor):
    return make_subprocessor(name="Nimbus Cloud", status="proposed").id


@pytest.fixture
def two_subscribers(app, clock):
    with app.app_context():
        for address in ("dpo@one.example", "dpo@two.example"):
            subscriptions.confirm(subscriptions.subscribe(address, "en", []))
        db.session.commit()


def announce(client, subprocessor_id, **fields):
    page = f"/admin/subprocessors/{subprocessor_id}"
    data = {"csrf_token": csrf_token(client, page), "window_days": "", **fields}
    return client.post(f"{page}/announce/addition", data=data)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_first_step_shows_the_notice_and_the_email_without_announcing(
    app, admin, draft_id, clock
):
    events = count(app, AuditEvent)
    page = announce(admin, draft_id).text
    assert "Check before announcing" in page and "Announced: New subprocessor: Nimbus" in page
    assert (count(app, ChangeNotice), count(app, AuditEvent)) == (0, events)


def test_the_preview_leaves_the_draft_a_draft(app, admin, draft_id, clock):
    announce(admin, draft_id)
    with app.app_context():
        assert db.session.get(Subprocessor, draft_id).status.value == "proposed"


def test_the_preview_says_how_many_subscribers_will_get_the_email(
    app, admin, draft_id, two_subscribers
):
    assert "2 subscribers will get it." in announce(admin, draft_id).text
    assert count(app, OutboxMessage) == 2  # their two confirmation emails, nothing more


def test_the_preview_gives_the_deadline(admin, draft_id, clock):
    assert "December 2, 2026, 10:00 (Europe/Luxembourg)" in announce(admin, draft_id).text


def test_confirming_the_preview_announces(app, admin, draft_id, clock):
    page = announce(admin, draft_id).text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    response = admin.post(f"/admin/subprocessors/{draft_id}/announce/addition", data=fields)
    assert response.headers["Location"] == "/admin/changes"
    assert count(app, ChangeNotice) == 1


def test_the_announcement_message_shows_on_the_next_admin_page(admin, draft_id, clock):
    announce(admin, draft_id, confirmed="1")
    assert "Announced: Nimbus Cloud." in admin.get("/admin/changes").text


def test_a_subprocessor_without_a_location_cannot_be_announced(
    app, admin, make_subprocessor, clock
):
    bare = make_subprocessor(name="Bare Cloud", status="proposed", locations=()).id
    response = announce(admin, bare)
    assert response.status_code == 400
    assert "Bare Cloud has no processing location" in response.text
    assert count(app, ChangeNotice) == 0


def test_a_refused_announcement_stays_on_the_form_it_came_from(
    app, admin, make_subprocessor, clock
):
    bare = make_subprocessor(name="Bare Cloud", status="proposed", locations=()).id
    make_subprocessor(name="Another Draft", status="proposed")
    response = announce(admin, bare, confirmed="1")
    assert "<h1>Bare Cloud</h1>" in response.text or "Bare Cloud" in response.text
    assert response.text.count("has no processing location") == 1


def test_many_announce_forms_on_the_changes_page_keep_ids_of_their_own(
    admin, make_subprocessor, clock
):
    for number in range(3):
        make_subprocessor(name=f"Draft {number}", status="proposed")
    page = admin.get("/admin/changes").text
    ids = re.findall(r'id="(window_days[^"]*)"', page)
    assert len(ids) >= 3 and len(ids) == len(set(ids))


def test_the_preview_lists_each_customer_with_its_own_deadline_and_stores_nothing(
    app, admin, clock, make_subprocessor, make_customer
):
    draft = make_subprocessor(name="Nimbus Cloud", status="proposed")
    make_customer(
        draft.entities[0],
        draft.services,
        authorisation="specific",
        notice_days=90,
        organisation="Borealis AB",
    )
    page = announce(admin, draft.id).text
    listed = page.split('id="preview-customers"')[1].split("</ul>")[0]
    assert "Borealis AB" in listed and "90 days" in listed and "its approval is needed" in listed
    assert "January 31, 2027" in page  # it takes effect at the customer's later deadline
    assert count(app, OutboxMessage) == 0
