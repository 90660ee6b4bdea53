"""The register's history: a signed snapshot each time the public register changes, the register
on any day (`?on=`) read from them, what changed between two days (/changes/diff), and the
signatures a customer verifies with OpenSSL or the README's script. The clock is moved."""

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from registry import chain
from registry.extensions import db
from registry.models import ChangeKind, Subprocessor
from registry.models.accounts import Role
from registry.notices import changes
from tests.web import log_in

DAYS = ("2026-12-02", "2026-12-03", "2026-12-04")


def _announce(app, subprocessor_id, kind):
    with app.app_context():
        changes.announce(kind, db.session.get(Subprocessor, subprocessor_id), "dpo@example.com")
        db.session.commit()


def _correct(app, subprocessor_id, **corrections):
    """Publishes an editorial correction of an active subprocessor's entry, as the admin does."""
    with app.app_context():
        entry = db.session.get(Subprocessor, subprocessor_id)
        changes.publish_editorial(entry, corrections, "A typo", "dpo@example.com")
        db.session.commit()


@pytest.fixture
def three_days(app, runner, clock, make_subprocessor):
    """On 2 November a correction begins the history, an addition and a removal are announced;
    then three changes on three days: the addition takes effect on 2 December (the worker's
    command), Harbourline's address is corrected on 3 December, the removal takes effect on
    4 December. Returns the ids of Harbourline, the one added and the one removed."""
    harbourline = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    leaving = make_subprocessor(name="Oldline Carrier", locations=[("US", "processing")]).id
    joining = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    _correct(app, harbourline, website="https://harbourline.example")
    _announce(app, joining, ChangeKind.ADDITION)
    clock.move(days=2)
    _announce(app, leaving, ChangeKind.REMOVAL)
    clock.instant = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert "1" in runner.invoke(args=["notices", "apply-due"]).output
    clock.move(days=1)
    _correct(app, harbourline, address="1 Harbour Road")
    clock.move(days=1)
    assert "1" in runner.invoke(args=["notices", "apply-due"]).output
    return harbourline, joining, leaving


def _snapshots(client) -> list[dict]:
    return client.get("/api/v1/snapshots").json["snapshots"]


def _signed_on(client, day: str) -> dict:
    """The last snapshot signed on `day` (all the test's instants are on the same day in UTC
    and in Luxembourg)."""
    return next(entry for entry in _snapshots(client) if entry["taken_at"].startswith(day))


@pytest.mark.parametrize("day", DAYS)
def test_the_register_on_each_day_is_the_snapshot_signed_that_day(client, three_days, day):
    signed = _signed_on(client, day)
    answer = client.get(f"/api/v1/subprocessors?on={day}").json
    document = json.loads(client.get(f"/snapshots/{signed['id']}.json").data)
    on_record = {
        entry["id"]: (entry["name"], entry["address"], entry["website"])
        for entry in document["subprocessors"]
        if entry["engaged_directly"]
    }
    shown = {
        record["id"]: (record["name"], record["address"], record["website"])
        for record in answer["subprocessors"]
    }
    assert (answer["on"], answer["snapshot"]["sha256"]) == (day, signed["sha256"])
    assert shown == on_record


def test_the_diff_between_the_first_and_last_day_lists_exactly_the_three_changes(
    client, three_days
):
    harbourline, joining, leaving = three_days
    answer = client.get(f"/api/v1/changes/diff?from={DAYS[0]}&to={DAYS[-1]}").json
    found = [
        (entry["subject"], entry["change"], entry["subprocessor"]["id"])
        for entry in answer["changes"]
    ]
    assert found == [
        ("subprocessor", "added", joining),
        ("subprocessor", "changed", harbourline),
        ("subprocessor", "removed", leaving),
    ]
    assert answer["count"] == 3


def test_a_change_in_the_diff_says_each_field_before_and_after(client, three_days):
    answer = client.get(f"/api/v1/changes/diff?from={DAYS[1]}&to={DAYS[1]}").json
    [correction] = answer["changes"]
    assert correction["fields"] == [
        {"field": "address", "before": "1 Harbor Rd", "after": "1 Harbour Road"}
    ]


def test_each_change_in_the_diff_names_the_notice_that_made_it(client, three_days):
    notices = client.get("/api/v1/changes").json["changes"]
    by_subprocessor = {}  # the latest notice of each kind for each subprocessor
    for notice in sorted(notices, key=lambda notice: notice["id"]):
        by_subprocessor[(notice["kind"], notice["subprocessor"]["name"])] = notice["id"]
    answer = client.get(f"/api/v1/changes/diff?from={DAYS[0]}&to={DAYS[-1]}").json
    named = [entry["notice"]["id"] for entry in answer["changes"]]
    assert named == [
        by_subprocessor[("addition", "Nimbus Cloud")],
        by_subprocessor[("editorial", "Harbourline")],
        by_subprocessor[("removal", "Oldline Carrier")],
    ]


def test_the_diff_from_a_day_includes_the_changes_made_on_that_day(client, three_days):
    answer = client.get(f"/api/v1/changes/diff?from={DAYS[2]}&to={DAYS[2]}").json
    assert [entry["change"] for entry in answer["changes"]] == ["removed"]
    assert answer["from_snapshot"]["taken_at"].startswith(DAYS[1])


def test_the_diff_page_and_csv_name_the_fields_in_the_readers_language(client, three_days):
    query = f"from={DAYS[1]}&to={DAYS[1]}&lang=de"
    page = client.get(f"/changes/diff?{query}").text
    csv_text = client.get(f"/changes/diff.csv?{query}").data.decode("utf-8-sig")
    assert "<dt>Anschrift</dt><dd>1 Harbor Rd → 1 Harbour Road</dd>" in page
    assert "Anschrift,1 Harbor Rd,1 Harbour Road" in csv_text


def test_the_transfers_of_a_past_day_are_those_of_the_register_that_day(client, three_days):
    _, _, leaving = three_days
    before = client.get(f"/api/v1/transfers?on={DAYS[1]}").json
    after = client.get(f"/api/v1/transfers?on={DAYS[2]}").json
    assert leaving in [entry["subprocessor"]["id"] for entry in before["transfers"]]
    assert leaving not in [entry["subprocessor"]["id"] for entry in after["transfers"]]
    assert before["snapshot"]["taken_at"].startswith(DAYS[1])


def test_the_register_of_today_from_its_snapshot_reads_as_the_register_now(
    app, client, make_subprocessor, clock
):
    parent = make_subprocessor(name="Harbourline", locations=[("US", "processing")]).id
    child = make_subprocessor(name="Cloudway", engaged_directly=False).id
    with app.app_context():
        engaging, engaged = (
            db.session.get(Subprocessor, parent),
            db.session.get(Subprocessor, child),
        )
        chain.link(engaging, engaged, "Hosting", "dpo@example.com")
        db.session.commit()
    now = client.get("/api/v1/subprocessors").json
    recorded = client.get("/api/v1/subprocessors?on=2026-11-02").json
    assert recorded["snapshot"] == now["snapshot"]
    assert (recorded["organisation"], recorded["updated_at"]) == (
        now["organisation"],
        now["updated_at"],
    )
    assert recorded["subprocessors"] == now["subprocessors"]
    assert recorded["subprocessors"][0]["chain"][0]["name"] == "Cloudway"


def test_openssl_verifies_a_downloaded_snapshot_and_rejects_an_edited_one(
    client, three_days, tmp_path
):
    signed = _signed_on(client, DAYS[1])
    (tmp_path / "key.pem").write_bytes(client.get("/.well-known/registry-signing-key.pem").data)
    (tmp_path / "snapshot.json").write_bytes(client.get(f"/snapshots/{signed['id']}.json").data)
    (tmp_path / "snapshot.sig").write_bytes(client.get(f"/snapshots/{signed['id']}.sig").data)
    edited = (tmp_path / "snapshot.json").read_bytes().replace(b"Harbour Road", b"Harbour Raod")
    (tmp_path / "edited.json").write_bytes(edited)

    def verify(name):
        command = "openssl pkeyutl -verify -pubin -inkey key.pem -rawin -sigfile snapshot.sig"
        return subprocess.run(
            [*command.split(), "-in", name], cwd=tmp_path, capture_output=True, text=True
        )

    assert verify("snapshot.json").returncode == 0
    assert verify("edited.json").returncode != 0


def test_the_readmes_script_verifies_a_snapshot_and_rejects_an_edited_one(
    client, three_days, tmp_path
):
    readme = Path(__file__).parents[2].joinpath("README.md").read_text()
    script = re.search(r"```python\n(# verify-snapshot\.py.*?)```", readme, re.S).group(1)
    (tmp_path / "verify.py").write_text(script)
    signed = _signed_on(client, DAYS[2])
    (tmp_path / "key.pem").write_bytes(client.get("/.well-known/registry-signing-key.pem").data)
    body = client.get(f"/snapshots/{signed['id']}.json").data
    (tmp_path / "snapshot.json").write_bytes(body)
    (tmp_path / "edited.json").write_bytes(body.replace(b"Nimbus", b"Nimbvs"))
    (tmp_path / "snapshot.sig").write_bytes(client.get(f"/snapshots/{signed['id']}.sig").data)

    def verify(name):
        command = [sys.executable, "verify.py", "key.pem", name, "snapshot.sig"]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)

    assert verify("snapshot.json").returncode == 0
    assert verify("edited.json").returncode != 0


def test_the_teams_transfers_of_a_past_day_are_those_of_the_register_that_day(
    client, make_user, three_days
):
    make_user(email="viewer@example.com", role=Role.VIEWER)
    log_in(client, "viewer@example.com")
    before = client.get(f"/admin/transfers?on={DAYS[1]}&assume_ended=2023/1795").text
    after = client.get(f"/admin/transfers?on={DAYS[2]}").text
    assert "Oldline Carrier" in before and "Oldline Carrier" not in after
    assert "The register as in effect at the end of December 3, 2026" in before


def test_the_diff_takes_the_snapshots_in_the_order_of_their_instants_as_the_day_s_register_does(
    app, client, clock, make_subprocessor
):
    """A snapshot taken at a past instant after a later one (the demo replays its history so)
    counts where its instant puts it: the diff ends on the register `?on=` reads for its last
    day, and compares each snapshot with the one before it in time."""
    harbourline = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    clock.instant = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    _correct(app, harbourline, website="https://late.example")
    clock.instant = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    _correct(app, harbourline, website="https://early.example")
    clock.instant = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    answer = client.get("/api/v1/changes/diff?from=2026-11-01&to=2026-11-24").json
    assert (
        answer["to_snapshot"] == client.get("/api/v1/subprocessors?on=2026-11-24").json["snapshot"]
    )
    assert [entry["taken_at"] for entry in answer["changes"]] == sorted(
        entry["taken_at"] for entry in answer["changes"]
    )
    [added, corrected] = answer["changes"]
    assert (added["change"], corrected["change"]) == ("added", "changed")
    assert corrected["fields"] == [
        {"field": "website", "before": "https://early.example", "after": "https://late.example"}
    ]
    later = client.get("/api/v1/changes/diff?from=2026-11-15&to=2026-11-24").json
    assert later["from_snapshot"]["id"] == added["snapshot_id"]
    assert [entry["snapshot_id"] for entry in later["changes"]] == [corrected["snapshot_id"]]
    # The history begins with the earliest snapshot by instant, whatever its number.
    before = client.get("/api/v1/subprocessors?on=2026-11-09")
    assert before.status_code == 404
    assert f"(snapshot #{added['snapshot_id']})" in before.json["error"]["message"]
