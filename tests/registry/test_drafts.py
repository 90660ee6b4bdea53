"""Drafting a subprocessor in the admin area: invisible to the public, on the audit trail."""

import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import (
    AuditEvent,
    DataCategory,
    DataSubjectCategory,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
)
from registry.models.accounts import Role
from tests.web import csrf_token, log_in


@pytest.fixture
def editor(client, make_user, make_entity, make_term):
    """A logged-in editor, and the vocabularies a draft chooses from (by id)."""
    make_user(email="editor@example.com", role=Role.EDITOR)
    log_in(client, "editor@example.com")
    terms = {
        "recipient_category": make_term(RecipientCategory).id,
        "purposes": make_term(Purpose).id,
        "services": make_term(Service).id,
        "data_categories": make_term(DataCategory).id,
        "data_subject_categories": make_term(DataSubjectCategory).id,
        "entities": make_entity(name="Mixvoip SA").id,
    }
    return client, {name: str(value) for name, value in terms.items()}


def _draft(client, terms, **overrides):
    form = {
        "csrf_token": csrf_token(client, "/admin/subprocessors/new"),
        "name": "Nimbus Cloud",
        "legal_name": "Nimbus Cloud Inc.",
        "address": "1 Main Street, Boston, USA",
        "country": "US",
        "website": "https://nimbus.example",
        **terms,
        **overrides,
    }
    return client.post("/admin/subprocessors", data=form)


def test_an_editor_drafts_a_subprocessor_the_public_does_not_see(editor):
    client, terms = editor
    response = _draft(client, terms)
    assert response.status_code == 302
    assert re.fullmatch(r"/admin/subprocessors/\d+", response.headers["Location"])
    assert "Nimbus Cloud" not in client.get("/api/v1/subprocessors").text
    assert "Nimbus Cloud" not in client.get("/subprocessors").text


def test_a_draft_is_on_the_audit_trail(editor, app):
    client, terms = editor
    _draft(client, terms)
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "subprocessor.drafted")
        )
        assert event.actor == "editor@example.com"
        assert event.after["name"] == "Nimbus Cloud"
        assert event.after["status"] == "proposed"


def test_a_draft_with_a_taken_name_is_refused_in_the_page(editor):
    client, terms = editor
    _draft(client, terms)
    response = _draft(client, terms)
    assert response.status_code == 400
    assert (
        "There is already a subprocessor named Nimbus Cloud with the legal name Nimbus Cloud Inc."
        in response.text
    )


def test_a_draft_with_a_website_that_is_not_http_is_refused(editor):
    client, terms = editor
    response = _draft(client, terms, website="javascript:alert(1)")
    assert response.status_code == 400
    assert "The website must be an https:// or http:// address." in response.text


def test_an_editor_adds_a_location_with_its_ground(editor, app):
    client, terms = editor
    address = _draft(client, terms).headers["Location"]
    form = {
        "csrf_token": csrf_token(client, address),
        "country": "IN",
        "role": "follow_the_sun",
        "city": "Pune",
        "transfer_tool": "scc",
        "adequacy_decision": "",
        "scc_module": "3",
        "measures": ["C-TRANSPARENCY"],
    }
    assert client.post(f"{address}/locations", data=form).status_code == 302
    with app.app_context():
        location = db.session.scalar(sa.select(Subprocessor)).locations[0]
        assert (location.country_code, location.scc_module) == ("IN", 3)
        assert [measure.code for measure in location.measures] == ["C-TRANSPARENCY"]


def test_a_location_whose_details_do_not_fit_its_ground_is_refused(editor):
    client, terms = editor
    address = _draft(client, terms).headers["Location"]
    form = {
        "csrf_token": csrf_token(client, address),
        "country": "IN",
        "role": "processing",
        "transfer_tool": "adequacy",
        "adequacy_decision": "",
        "scc_module": "3",
    }
    response = client.post(f"{address}/locations", data=form)
    assert response.status_code == 400
    assert "An SCC module goes with the SCC ground only." in response.text


def test_a_viewer_may_read_a_draft_but_not_write_one(client, make_user, make_subprocessor):
    draft = make_subprocessor(name="Nimbus Cloud", status="proposed")
    make_user(email="viewer@example.com", role=Role.VIEWER)
    log_in(client, "viewer@example.com")
    assert client.get(f"/admin/subprocessors/{draft.id}").status_code == 200
    assert client.get("/admin/subprocessors/new").status_code == 403


def _edit(client, subprocessor_id, terms, **overrides):
    token = csrf_token(client, "/admin/subprocessors/new")  # one token per session
    values = {
        "name": "Nimbus Cloud",
        "legal_name": "Nimbus Cloud Inc.",
        "address": "1 Main Street, Boston, USA",
        "country": "US",
        "website": "https://nimbus.example",
        **terms,
        **overrides,
    }
    form = {f"draft-{name}": value for name, value in values.items()}
    form["draft-csrf_token"] = token
    return client.post(f"/admin/subprocessors/{subprocessor_id}/edit", data=form)


def _draft_id(response) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_an_editor_edits_a_draft(editor, app):
    client, terms = editor
    draft_id = _draft_id(_draft(client, terms))
    response = _edit(client, draft_id, terms, address="2 Harbor Street, Boston, USA")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Subprocessor, draft_id).address == "2 Harbor Street, Boston, USA"


def test_an_edit_is_on_the_audit_trail_with_before_and_after(editor, app):
    client, terms = editor
    draft_id = _draft_id(_draft(client, terms))
    _edit(client, draft_id, terms, legal_name="Nimbus Cloud LLC")
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.action == "subprocessor.draft_edited"
    assert (event.before["legal_name"], event.after["legal_name"]) == (
        "Nimbus Cloud Inc.",
        "Nimbus Cloud LLC",
    )


def test_an_edit_to_a_taken_name_is_refused_in_the_page(editor, app):
    client, terms = editor
    _draft(client, terms, name="Other Cloud")
    draft_id = _draft_id(_draft(client, terms))
    response = _edit(client, draft_id, terms, name="Other Cloud")
    assert response.status_code == 400
    assert (
        "There is already a subprocessor named Other Cloud with the legal name Nimbus Cloud Inc."
        in response.text
    )


def test_an_active_subprocessor_is_not_edited_as_a_draft(editor, make_subprocessor, app):
    client, terms = editor
    active_id = make_subprocessor(name="Engaged", address="Old address").id
    response = _edit(client, active_id, terms, name="Engaged", address="New address")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Subprocessor, active_id).address == "Old address"


def test_an_editor_removes_a_location_from_a_draft(editor, make_subprocessor, app):
    client, _terms = editor
    draft = make_subprocessor(name="Draft", status="proposed", locations=[("IE", "storage")])
    with app.app_context():
        location_id = db.session.get(Subprocessor, draft.id).locations[0].id
    token = csrf_token(client, f"/admin/subprocessors/{draft.id}")
    response = client.post(
        f"/admin/subprocessors/{draft.id}/locations/{location_id}/remove",
        data={"csrf_token": token},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Subprocessor, draft.id).locations == []


def test_a_draft_may_take_an_engaged_trading_name_under_another_legal_name(
    editor, make_subprocessor, app
):
    client, terms = editor
    make_subprocessor(name="Nimbus Cloud", legal_name="Nimbus Cloud Inc.")
    response = _draft(client, terms, legal_name="Nimbus Cloud Europe GmbH")
    assert response.status_code == 302
    with app.app_context():
        names = db.session.execute(sa.select(Subprocessor.name, Subprocessor.legal_name)).all()
    assert sorted(names) == [
        ("Nimbus Cloud", "Nimbus Cloud Europe GmbH"),
        ("Nimbus Cloud", "Nimbus Cloud Inc."),
    ]


def test_the_draft_of_a_successor_is_filled_in_from_the_subprocessor_it_replaces(
    editor, make_subprocessor
):
    client, _terms = editor
    engaged = make_subprocessor(name="Harbourline", legal_name="Harbourline Inc.")
    page = client.get(f"/admin/subprocessors/new?successor_of={engaged.id}").text
    assert 'id="name" maxlength="200" name="name" required type="text" value="Harbourline"' in page
    assert "announce it as the replacement of Harbourline" in page


def test_the_same_company_under_a_new_legal_name_takes_over_through_a_replacement(
    editor, make_subprocessor, make_user, runner, clock
):
    client, terms = editor
    old_id = make_subprocessor(name="Nimbus Cloud", legal_name="Nimbus Cloud Inc.").id
    new_id = _draft_id(_draft(client, terms, legal_name="Nimbus Cloud Europe GmbH"))
    added = _add_pune(
        client, f"/admin/subprocessors/{new_id}", country="DE", transfer_tool="", scc_module=""
    )
    assert added.status_code == 302, added.text[-3000:]
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{new_id}").text
    token = re.search(r'id="replace-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"replace-csrf_token": token, "replace-replaces": str(old_id), "confirmed": "1"}
    assert (
        client.post(f"/admin/subprocessors/{new_id}/announce/replacement", data=form).status_code
        == 302
    )
    clock.move(days=30)
    runner.invoke(args=["notices", "apply-due"])
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    assert (record["name"], record["legal_name"]) == ("Nimbus Cloud", "Nimbus Cloud Europe GmbH")


def _stored_places(app) -> tuple[list, int]:
    """The locations stored, and how many events are on the trail."""
    with app.app_context():
        places = db.session.execute(
            sa.select(ProcessingLocation.country_code, ProcessingLocation.city)
        ).all()
        return sorted(places), db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def _add_pune(client, address, **overrides):
    form = {
        "csrf_token": csrf_token(client, address),
        "country": "IN",
        "role": "follow_the_sun",
        "city": "Pune",
        "transfer_tool": "scc",
        "adequacy_decision": "",
        "scc_module": "3",
        "measures": ["C-TRANSPARENCY"],
        **overrides,
    }
    return client.post(f"{address}/locations", data=form)


def test_the_same_location_added_twice_to_a_draft_is_refused_in_the_page(editor, app):
    client, terms = editor
    address = _draft(client, terms).headers["Location"]
    assert _add_pune(client, address).status_code == 302
    stored = _stored_places(app)
    response = _add_pune(client, address)
    assert response.status_code == 400
    assert "Nimbus Cloud already has this location: the same country, role and city." in (
        response.text
    )
    assert _stored_places(app) == stored
    assert stored[0] == [("IN", "Pune")]


def test_a_duplicate_location_only_the_database_sees_is_a_409_and_loses_nothing(
    editor, app, monkeypatch
):
    from registry.register import drafts
    from tests.registry.test_write_conflicts import CONFLICT

    client, terms = editor
    address = _draft(client, terms).headers["Location"]
    _add_pune(client, address)
    stored = _stored_places(app)
    monkeypatch.setattr(drafts, "refuse_location_held", lambda *_: None)
    response = _add_pune(client, address)
    assert response.status_code == 409
    assert CONFLICT in response.text
    assert _stored_places(app) == stored
