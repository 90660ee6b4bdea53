"""The legal team's triage of confirmed objections in the admin area: open → in discussion →
resolved with an outcome; the objector sees the state through the link in the
acknowledgement."""

import re

import pytest
import sqlalchemy as sa

from registry import objections
from registry.extensions import db
from registry.models import AuditEvent, ChangeKind, Objection, Subprocessor
from registry.models.accounts import Role
from registry.notices import changes
from tests.mailbox import delivered, link_in
from tests.web import csrf_token, log_in


@pytest.fixture
def objection_id(app, clock, make_subprocessor):
    """A confirmed objection to an announced addition."""
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        values = objections.ObjectionValues(
            "Acme Telecom SA", "C-1042", "Claire Dupont", "claire@acme.example", "No US transfers."
        )
        objection = objections.submit(notice, values, "en")
        objections.confirm(objection)
        db.session.commit()
        return objection.id


@pytest.fixture
def admin(client, make_user):
    make_user(email="legal@example.com", role=Role.ADMIN)
    log_in(client, "legal@example.com")
    return client


def triage(client, objection_id, state, outcome="", note=""):
    token = csrf_token(client, f"/admin/objections/{objection_id}")
    return client.post(
        f"/admin/objections/{objection_id}/triage",
        data={"csrf_token": token, "state": state, "outcome": outcome, "note": note},
    )


def stored(app, objection_id) -> Objection:
    with app.app_context():
        return db.session.get(Objection, objection_id)


def test_the_admin_lists_a_confirmed_objection_as_received(admin, objection_id):
    page = admin.get("/admin/objections").get_data(as_text=True)
    received = page.split('id="objections-open"')[1].split("</section>")[0]
    assert "Acme Telecom SA" in received


def test_an_admin_takes_an_objection_into_discussion(app, admin, objection_id):
    response = triage(admin, objection_id, "in_discussion", note="Call booked for Monday")
    assert response.status_code == 302
    assert stored(app, objection_id).state.value == "in_discussion"


def test_an_admin_resolves_an_objection_with_its_outcome(app, admin, objection_id):
    triage(admin, objection_id, "in_discussion")
    triage(admin, objection_id, "resolved", outcome="contract_ended", note="Terminated 1 Dec")
    objection = stored(app, objection_id)
    assert (objection.state.value, objection.outcome.value) == ("resolved", "contract_ended")


def test_resolving_without_an_outcome_is_refused(app, admin, objection_id):
    response = triage(admin, objection_id, "resolved")
    assert response.status_code == 400
    assert "names its outcome" in response.get_data(as_text=True)
    assert stored(app, objection_id).state.value == "open"


def test_an_outcome_before_resolution_is_refused(app, admin, objection_id):
    response = triage(admin, objection_id, "in_discussion", outcome="contract_ended")
    assert response.status_code == 400
    assert stored(app, objection_id).state.value == "open"


def test_a_resolved_objection_is_not_moved_again(app, admin, objection_id):
    triage(admin, objection_id, "resolved", outcome="objection_withdrawn")
    response = triage(admin, objection_id, "in_discussion")
    assert response.status_code == 400
    assert stored(app, objection_id).state.value == "resolved"


def test_an_unconfirmed_objection_cannot_be_triaged(app, admin, clock, make_subprocessor):
    proposed = make_subprocessor(name="Other", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        values = objections.ObjectionValues("B", "R", "N", "n@b.example", "G")
        unconfirmed = objections.submit(notice, values, "en").id
        db.session.commit()
    assert triage(admin, unconfirmed, "in_discussion").status_code == 400
    assert stored(app, unconfirmed).state.value == "unconfirmed"


def test_each_triage_step_is_on_the_audit_trail(app, admin, objection_id):
    triage(admin, objection_id, "in_discussion")
    triage(admin, objection_id, "resolved", outcome="objection_withdrawn")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "objection.triaged")
        ).all()
    assert [(e.actor, e.after["state"]) for e in events] == [
        ("legal@example.com", "in_discussion"),
        ("legal@example.com", "resolved"),
    ]


def test_the_objector_sees_the_outcome_but_not_the_note(app, admin, runner, objection_id):
    triage(admin, objection_id, "resolved", outcome="objection_withdrawn", note="Internal only")
    runner.invoke(args=["worker", "--once"])
    acknowledgement = next(m for m in delivered(app) if "is recorded" in m["Subject"])
    page = app.test_client().get(link_in(acknowledgement, "/objections/")).get_data(as_text=True)
    assert "The objection was withdrawn" in page
    assert "Internal only" not in page


def test_the_admin_sees_the_emails_sent_about_an_objection(admin, runner, objection_id):
    runner.invoke(args=["worker", "--once"])
    page = admin.get(f"/admin/objections/{objection_id}").get_data(as_text=True)
    assert "Acknowledgement of an objection → claire@acme.example: <strong>sent</strong>" in page


def test_the_dashboard_lists_the_objections_to_answer(admin, objection_id):
    page = admin.get("/admin/").get_data(as_text=True)
    listed = page.split('id="objections-to-answer"')[1].split("</section>")[0]
    assert "Acme Telecom SA" in listed


def test_a_resolved_objection_leaves_the_dashboard(admin, objection_id):
    triage(admin, objection_id, "resolved", outcome="objection_withdrawn")
    page = admin.get("/admin/").get_data(as_text=True)
    listed = page.split('id="objections-to-answer"')[1].split("</section>")[0]
    assert "Acme Telecom SA" not in listed


def test_the_objections_page_lists_those_still_unconfirmed_last(admin, objection_id):
    page = admin.get("/admin/objections").text
    headings = re.findall(r'<h2 id="objections-([a-z_]+)"', page)
    assert headings[-1] == "unconfirmed" and headings[0] == "open"


def test_a_rejection_needs_a_reason(app, admin, objection_id):
    response = triage(admin, objection_id, "resolved", outcome="rejected")
    assert response.status_code == 400
    assert stored(app, objection_id).state.value == "open"


def test_the_objector_is_emailed_the_outcome_with_the_reason(app, admin, runner, objection_id):
    token = csrf_token(admin, f"/admin/objections/{objection_id}")
    admin.post(
        f"/admin/objections/{objection_id}/triage",
        data={
            "csrf_token": token,
            "state": "resolved",
            "outcome": "rejected",
            "reason": "The addendum names this transfer already.",
        },
    )
    runner.invoke(args=["worker", "--once"])
    outcome = next(m for m in delivered(app) if "is resolved" in m["Subject"])
    assert outcome["To"] == "claire@acme.example"
    body = outcome.get_body(("plain",)).get_content()
    assert "rejected as not legitimate" in body
    assert "The addendum names this transfer already." in body
    assert stored(app, objection_id).outcome_reason == "The addendum names this transfer already."
