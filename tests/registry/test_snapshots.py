"""The signed snapshots: taken in the transaction of each write that changes the public register,
only when it changed, on the audit trail, with the key from SIGNING_KEY or the instance folder;
and the answers to a day the history cannot give."""

import json
import os
import stat
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from registry import audit, create_app
from registry.config import ConfigurationError, from_environment
from registry.extensions import db
from registry.models import AuditEvent, ChangeKind, RegisterSnapshot, Subprocessor
from registry.notices import changes
from registry.register import state
from tests import conftest


def _correct(app, subprocessor_id, **corrections):
    with app.app_context():
        entry = db.session.get(Subprocessor, subprocessor_id)
        changes.publish_editorial(entry, corrections, "A typo", "dpo@example.com")
        db.session.commit()


def _snapshots(app) -> list[RegisterSnapshot]:
    with app.app_context():
        return list(db.session.scalars(sa.select(RegisterSnapshot).order_by(RegisterSnapshot.id)))


def test_an_editorial_correction_takes_a_snapshot_of_the_register_it_changed(
    app, client, make_subprocessor, clock
):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    _correct(app, subprocessor_id, address="1 Harbour Road")
    [snapshot] = _snapshots(app)
    [entry] = json.loads(snapshot.document)["subprocessors"]
    assert entry["address"] == "1 Harbour Road"
    assert snapshot.causes[0]["action"] == "notice.editorial"


def test_an_announcement_changes_nothing_public_and_takes_no_snapshot(
    app, make_subprocessor, clock
):
    draft = make_subprocessor(name="Nimbus Cloud", status="proposed")
    with app.app_context():
        changes.announce(
            ChangeKind.ADDITION, db.session.get(Subprocessor, draft.id), "dpo@example.com"
        )
        db.session.commit()
    assert _snapshots(app) == []


def test_a_write_that_leaves_the_register_as_it_read_takes_no_second_snapshot(
    app, make_subprocessor, clock
):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    _correct(app, subprocessor_id, address="1 Harbour Road")
    with app.app_context():  # a published action that changes nothing the register shows
        audit.record("dpo@example.com", "notice.editorial", "change_notice", 99)
        db.session.commit()
    assert len(_snapshots(app)) == 1


def test_the_snapshots_hash_and_number_are_on_the_audit_trail_in_its_chain(
    app, runner, make_subprocessor, clock
):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    _correct(app, subprocessor_id, address="1 Harbour Road")
    [snapshot] = _snapshots(app)
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "snapshot.signed")
        )
    assert (event.subject_id, event.after["sha256"]) == (str(snapshot.id), snapshot.sha256)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_the_sha256_is_of_the_canonical_bytes_signed(app, client, make_subprocessor, clock):
    _correct(app, make_subprocessor(address="1 Harbor Rd").id, address="1 Harbour Road")
    [listed] = client.get("/api/v1/snapshots").json["snapshots"]
    body = client.get(f"/snapshots/{listed['id']}.json").data
    assert body == state.canonical_bytes(json.loads(body))
    assert state.sha256_of(body) == listed["sha256"]


def test_the_signature_holds_with_the_published_key(app, client, make_subprocessor, clock):
    _correct(app, make_subprocessor(address="1 Harbor Rd").id, address="1 Harbour Road")
    [listed] = client.get("/api/v1/snapshots").json["snapshots"]
    key = load_pem_public_key(client.get("/.well-known/registry-signing-key.pem").data)
    signed = client.get(f"/snapshots/{listed['id']}.json").data
    key.verify(client.get(f"/snapshots/{listed['id']}.sig").data, signed)
    keys = client.get("/.well-known/registry-signing-keys.json").json
    assert [entry["snapshots"] for entry in keys["keys"]] == [1]
    assert keys["keys"][0]["fingerprint"] == keys["current"]["fingerprint"]


def test_the_worker_takes_one_snapshot_per_notice_that_takes_effect(
    app, runner, make_subprocessor, clock
):
    drafts = [make_subprocessor(name=name, status="proposed").id for name in ("Ana", "Bea")]
    with app.app_context():
        for draft_id in drafts:
            entry = db.session.get(Subprocessor, draft_id)
            changes.announce(ChangeKind.ADDITION, entry, "dpo@example.com")
        db.session.commit()
    clock.move(days=31)
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert [len(json.loads(s.document)["subprocessors"]) for s in _snapshots(app)] == [1, 2]


def test_the_demo_leaves_snapshots_on_several_past_days(app, runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    days = {entry["taken_at"][:10] for entry in client.get("/api/v1/snapshots").json["snapshots"]}
    assert len(days) >= 2


@pytest.mark.parametrize(
    "address",
    ["/subprocessors?on=2026-11-01", "/api/v1/subprocessors?on=2026-11-01"],
)
def test_a_day_before_the_history_begins_is_not_found_saying_when_it_begins(
    app, client, make_subprocessor, clock, address
):
    _correct(app, make_subprocessor(address="1 Harbor Rd").id, address="1 Harbour Road")
    response = client.get(address)
    assert response.status_code == 404
    assert "history begins on November 2, 2026, 10:00 (Europe/Luxembourg)" in response.text


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("/api/v1/subprocessors?on=2026-13-01", "“2026-13-01” is not a date"),
        ("/api/v1/subprocessors?on=2026-11-03", "2026-11-03 is still to come"),
        ("/subprocessors.csv?on=yesterday", "“yesterday” is not a date"),
        ("/api/v1/changes/diff?from=2026-11-01", "Give “to” as a date"),
        ("/api/v1/changes/diff?from=2026-11-02&to=2026-11-01", "is after the last"),
    ],
)
def test_a_day_that_cannot_be_read_is_a_bad_request_saying_why(client, clock, address, message):
    response = client.get(address)
    said = response.json["error"]["message"] if response.is_json else response.text
    assert response.status_code == 400
    assert message in said


def test_the_page_shows_a_malformed_day_as_the_filters_error(client, clock):
    response = client.get("/subprocessors?on=03/11/2026")
    assert response.status_code == 400
    assert 'id="on" name="on" type="date"' in response.text
    assert "“03/11/2026” is not a date" in response.text


def test_the_page_of_a_past_day_says_which_snapshot_it_comes_from(
    app, client, make_subprocessor, clock
):
    _correct(app, make_subprocessor(address="1 Harbor Rd").id, address="1 Harbour Road")
    [listed] = client.get("/api/v1/snapshots").json["snapshots"]
    page = client.get("/subprocessors?on=2026-11-02").text
    assert "The register as in effect at the end of November 2, 2026 (Europe/Luxembourg)" in page
    assert listed["sha256"] in page


def test_the_published_state_holds_the_active_subprocessors_and_every_state_all_of_them(
    app, make_subprocessor
):
    make_subprocessor(name="Harbourline")
    make_subprocessor(name="Nimbus Cloud", status="proposed")
    with app.app_context():
        published = state.register_state(state.Scope.PUBLISHED)
        every = state.register_state(state.Scope.EVERY)
    assert [entry["name"] for entry in published["subprocessors"]] == ["Harbourline"]
    assert [entry["name"] for entry in every["subprocessors"]] == ["Harbourline", "Nimbus Cloud"]


def test_the_signing_key_is_made_on_first_start_for_its_owner_only_and_kept(
    migrated_database, tmp_path, monkeypatch
):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    settings = {**conftest.test_config(migrated_database), "SIGNING_KEY": None}
    first = create_app(settings).config["SIGNING_KEY"]
    again = create_app(settings).config["SIGNING_KEY"]
    mode = stat.S_IMODE(os.stat(tmp_path / "signing-key.pem").st_mode)
    assert (first, mode) == (again, 0o600)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")


def test_a_signing_key_that_is_not_an_ed25519_pem_stops_the_application(clock):
    with pytest.raises(ConfigurationError, match="SIGNING_KEY must be an Ed25519 private key"):
        from_environment({"SIGNING_KEY": "not a key"})


def test_the_snapshot_is_taken_at_the_instant_of_the_change(app, client, make_subprocessor, clock):
    clock.instant = datetime(2026, 11, 2, 22, 30, tzinfo=UTC)  # 23:30 in Luxembourg
    _correct(app, make_subprocessor(address="1 Harbor Rd").id, address="1 Harbour Road")
    clock.instant = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
    answer = client.get("/api/v1/subprocessors?on=2026-11-02").json
    assert answer["snapshot"]["taken_at"] == "2026-11-02T22:30:00Z"
    assert client.get("/api/v1/subprocessors?on=2026-11-01").status_code == 404
