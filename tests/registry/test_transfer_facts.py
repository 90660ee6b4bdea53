"""The facts the verdicts judge, as the register records them: through the admin pages, the
public API and the demo. A transfer is valid on true facts, never on a bare flag."""

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry.assessments import facts as assessment_facts
from registry.extensions import db
from registry.models import (
    AuditEvent,
    DataCategory,
    DataSubjectCategory,
    LocationRole,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
)
from registry.models.accounts import Role
from tests.factories import dpf_listing
from tests.web import csrf_token, log_in

US_DPF = {"country_code": "US", "transfer_tool": "adequacy", "adequacy_decision": "2023/1795"}
INDIA_SCC = {"country_code": "IN", "role": "processing", "transfer_tool": "scc", "scc_module": 3}


def _transfer(client) -> dict:
    [entry] = client.get("/api/v1/transfers").json["transfers"]
    return entry["transfer"]


def test_a_dpf_importer_with_a_dated_list_entry_is_valid(team, make_subprocessor):
    make_subprocessor(locations=[US_DPF], **dpf_listing())
    assert _transfer(team)["verdict"] == "valid"


def test_a_dpf_importer_listed_without_a_verification_date_needs_attention(team, make_subprocessor):
    make_subprocessor(locations=[US_DPF], **dpf_listing(dpf_verified_on=None))
    transfer = _transfer(team)
    assert transfer["verdict"] == "needs_attention"
    assert [reason["code"] for reason in transfer["reasons"]] == ["dpf_unverified"]


def test_the_public_api_shows_the_dpf_entry_as_facts(client, make_subprocessor):
    make_subprocessor(
        locations=[US_DPF], **dpf_listing(dpf_listed_name="Postbird Mail, Inc.", dpf_scope="hr")
    )
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    assert record["dpf_entry"]["listed_name"] == "Postbird Mail, Inc."
    assert record["dpf_entry"]["scope"] == "hr"
    assert record["dpf_entry"]["verified_on"] is not None


def test_a_derogation_marked_systematic_has_no_valid_ground(team, make_subprocessor):
    derogation = {
        "country_code": "AE",
        "transfer_tool": "derogation",
        "derogation": "d",
        "derogation_justification": "Emergency calls abroad",
    }
    make_subprocessor(locations=[derogation])
    transfer = _transfer(team)
    assert transfer["verdict"] == "no_valid_ground"
    assert "derogation_systematic" in [reason["code"] for reason in transfer["reasons"]]


@pytest.fixture
def draft(client, make_user, make_subprocessor):
    """A logged-in editor and a draft subprocessor's admin address."""
    make_user(email="editor@example.com", role=Role.EDITOR)
    log_in(client, "editor@example.com")
    entry = make_subprocessor(name="Nimbus Cloud", status="proposed", locations=[])
    return f"/admin/subprocessors/{entry.id}"


def _add_location(client, address, **fields):
    form = {
        "csrf_token": csrf_token(client, address),
        "country": "AE",
        "role": "processing",
        "city": "",
        "transfer_tool": "",
        "adequacy_decision": "",
        "scc_module": "",
        **fields,
    }
    return client.post(f"{address}/locations", data=form)


def _locations(app) -> list[ProcessingLocation]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ProcessingLocation)))


def test_a_derogation_marked_occasional_without_a_reason_is_refused_and_nothing_stored(
    client, app, draft
):
    response = _add_location(
        client,
        draft,
        transfer_tool="derogation",
        derogation="d",
        derogation_justification="Emergency calls",
        derogation_occasional="y",
    )
    assert response.status_code == 400
    assert "Say why the transfer is occasional" in response.text
    assert _locations(app) == []


def test_bcr_details_with_an_scc_tool_are_refused_on_the_page(client, app, draft):
    response = _add_location(
        client, draft, transfer_tool="scc", scc_module="3", bcr_group="Nimbus Group"
    )
    assert response.status_code == 400
    assert "Details of binding corporate rules go with the BCR ground only." in response.text
    assert _locations(app) == []


def test_a_transit_location_with_transport_encryption_is_recorded_with_role_transit(
    client, app, draft
):
    response = _add_location(
        client,
        draft,
        country="SG",
        role="transit",
        transfer_tool="scc",
        scc_module="3",
        measures=["T-TRANSIT-ENCRYPTION"],
    )
    assert response.status_code == 302
    [location] = _locations(app)
    with app.app_context():
        location = db.session.merge(location)
        assert location.role is LocationRole.TRANSIT
        assert [measure.code for measure in location.measures] == ["T-TRANSIT-ENCRYPTION"]


def test_a_derogation_marked_occasional_with_its_reason_is_stored_and_audited(client, app, draft):
    response = _add_location(
        client,
        draft,
        transfer_tool="derogation",
        derogation="d",
        derogation_justification="Emergency calls",
        derogation_occasional="y",
        derogation_occasional_reason="Only when a caller dials 112 abroad",
        authority_informed_on="2026-10-01",
    )
    assert response.status_code == 302
    with app.app_context():
        [location] = db.session.scalars(sa.select(ProcessingLocation))
        assert location.derogation_occasional_reason == "Only when a caller dials 112 abroad"
        event = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert event.action == "subprocessor.location_added"
        assert event.after["locations"][0]["derogation_occasional"] is True


def test_a_day_that_is_not_a_date_is_refused_on_the_page(client, app, draft):
    response = _add_location(
        client, draft, transfer_tool="scc", scc_module="3", scc_signed_on="31/12/2025"
    )
    assert response.status_code == 400
    assert _locations(app) == []


@pytest.fixture
def vocabulary(make_term, make_entity):
    terms = {
        "recipient_category": make_term(RecipientCategory).id,
        "purposes": make_term(Purpose).id,
        "services": make_term(Service).id,
        "data_categories": make_term(DataCategory).id,
        "data_subject_categories": make_term(DataSubjectCategory).id,
        "entities": make_entity().id,
    }
    return {name: str(value) for name, value in terms.items()}


def test_a_new_subprocessors_dpf_entry_is_stored_with_its_dates(client, app, draft, vocabulary):
    form = {
        "csrf_token": csrf_token(client, "/admin/subprocessors/new"),
        "name": "Postbird",
        "legal_name": "Postbird Mail Inc.",
        "address": "500 Market Street, San Francisco",
        "country": "US",
        "website": "",
        **vocabulary,
        "dpf_certified": "y",
        "dpf_listed_name": "Postbird Mail, Inc.",
        "dpf_scope": "non_hr",
        "dpf_verified_on": "2026-11-16",
        "dpf_recertification_due": "2027-05-14",
    }
    assert client.post("/admin/subprocessors", data=form).status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(Subprocessor).where(Subprocessor.name == "Postbird"))
        assert entry.dpf_verified_on.isoformat() == "2026-11-16"
        assert entry.dpf_recertification_due.isoformat() == "2027-05-14"


def test_a_dpf_scope_without_a_listing_is_refused_on_the_page(client, app, draft, vocabulary):
    form = {
        "csrf_token": csrf_token(client, "/admin/subprocessors/new"),
        "name": "Postbird",
        "legal_name": "Postbird Mail Inc.",
        "address": "500 Market Street, San Francisco",
        "country": "US",
        "website": "",
        **vocabulary,
        "dpf_scope": "hr",
    }
    response = client.post("/admin/subprocessors", data=form)
    assert response.status_code == 400
    assert "go with a DPF listing" in response.text


def _ground_before_the_upgrade(location: ProcessingLocation) -> dict:
    """The ground as `register_facts` wrote it before the register recorded the new facts."""
    return {
        "tool": location.transfer_tool.value,
        "scc_module": location.scc_module,
        "uk_tool": None,
        "swiss_adaptation": location.swiss_adaptation,
        "measures": sorted(measure.code for measure in location.measures),
    }


def _fingerprint_before_the_upgrade(mapped: dict, ground: dict) -> str:
    facts = {
        "locations": mapped["locations"],
        "data_categories": sorted(term["code"] for term in mapped["data_categories"]),
        "data_subject_categories": sorted(
            term["code"] for term in mapped["data_subject_categories"]
        ),
        "ground": ground,
    }
    text = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_an_assessment_fingerprint_is_unchanged_while_the_new_facts_are_empty(
    app_context, make_subprocessor
):
    entry = make_subprocessor(locations=[INDIA_SCC])
    location = db.session.get(Subprocessor, entry.id).locations[0]
    mapped, ground = assessment_facts.register_facts(location)
    before = _fingerprint_before_the_upgrade(mapped, _ground_before_the_upgrade(location))
    assert assessment_facts.fingerprint(mapped, ground) == before


def test_an_assessment_fingerprint_changes_once_a_new_fact_is_recorded(
    app_context, make_subprocessor
):
    entry = make_subprocessor(locations=[{**INDIA_SCC, "scc_decision": "2010/87/EU"}])
    location = db.session.get(Subprocessor, entry.id).locations[0]
    mapped, ground = assessment_facts.register_facts(location)
    before = _fingerprint_before_the_upgrade(mapped, _ground_before_the_upgrade(location))
    assert assessment_facts.fingerprint(mapped, ground) != before


def test_the_demo_relies_on_the_dpf_only_with_a_dated_entry(runner, team):
    runner.invoke(args=["demo", "load"])
    body = team.get("/api/v1/transfers?on=2026-11-30").json
    verdicts = {
        (entry["subprocessor"]["name"], entry["city"]): entry["transfer"]
        for entry in body["transfers"]
    }
    assert verdicts[("Postbird Mail", "Ashburn")]["verdict"] == "valid"
    assert verdicts[("Thames Interconnect", "Dubai")]["verdict"] == "no_valid_ground"
    pune = verdicts[("Ganges Helpdesk", "Pune")]
    assert pune["verdict"] == "needs_attention"
    assert "transit_encryption_only" in [reason["code"] for reason in pune["reasons"]]


def test_an_editor_records_an_active_subprocessors_dpf_check_and_it_becomes_valid(
    client, app, make_user, make_subprocessor
):
    make_user(email="editor@example.com", role=Role.EDITOR)
    log_in(client, "editor@example.com")
    entry = make_subprocessor(locations=[US_DPF], dpf_certified=True)
    assert _transfer(client)["verdict"] == "needs_attention"
    address = f"/admin/subprocessors/{entry.id}"
    page = client.get(address).text
    token = re.search(r'id="importer-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    today = date.today()
    form = {
        "importer-csrf_token": token,
        "importer-dpf_certified": "y",
        "importer-dpf_scope": "non_hr",
        "importer-dpf_verified_on": (today - timedelta(days=3)).isoformat(),
        "importer-dpf_recertification_due": (today + timedelta(days=200)).isoformat(),
    }
    assert client.post(f"{address}/importer", data=form).status_code == 302
    assert _transfer(client)["verdict"] == "valid"
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent)
            .where(AuditEvent.action != "snapshot.signed")
            .order_by(AuditEvent.id.desc())
        )
        assert event.action == "subprocessor.importer_facts_recorded"
        assert event.before["dpf_verified_on"] is None


def test_an_editor_marks_an_engaged_derogation_occasional_with_its_reason(
    client, app, make_user, make_subprocessor
):
    make_user(email="editor@example.com", role=Role.EDITOR)
    log_in(client, "editor@example.com")
    derogation = {
        "country_code": "AE",
        "transfer_tool": "derogation",
        "derogation": "d",
        "derogation_justification": "Emergency calls abroad",
    }
    entry = make_subprocessor(locations=[derogation])
    location_id = entry.locations[0].id
    address = f"/admin/subprocessors/{entry.id}"
    prefix = f"facts-{location_id}"
    token = re.search(
        rf'id="{prefix}-csrf_token"[^>]*value="([^"]+)"', client.get(address).text
    ).group(1)
    form = {
        f"{prefix}-csrf_token": token,
        f"{prefix}-derogation": "d",
        f"{prefix}-derogation_justification": "Emergency calls abroad",
        f"{prefix}-derogation_occasional": "y",
        f"{prefix}-derogation_occasional_reason": "Only when a caller dials 112 abroad",
    }
    response = client.post(f"{address}/locations/{location_id}/facts", data=form)
    assert response.status_code == 302
    with app.app_context():
        location = db.session.get(ProcessingLocation, location_id)
        assert location.derogation_occasional_reason == "Only when a caller dials 112 abroad"
        assert location.transfer_tool.value == "derogation"


def test_bcr_details_recorded_on_an_engaged_scc_location_are_refused(
    client, app, make_user, make_subprocessor
):
    make_user(email="editor@example.com", role=Role.EDITOR)
    log_in(client, "editor@example.com")
    entry = make_subprocessor(locations=[INDIA_SCC])
    location_id = entry.locations[0].id
    address = f"/admin/subprocessors/{entry.id}"
    prefix = f"facts-{location_id}"
    token = re.search(
        rf'id="{prefix}-csrf_token"[^>]*value="([^"]+)"', client.get(address).text
    ).group(1)
    form = {f"{prefix}-csrf_token": token, f"{prefix}-bcr_group": "Ganges Group"}
    response = client.post(f"{address}/locations/{location_id}/facts", data=form)
    assert response.status_code == 400
    assert "Details of binding corporate rules go with the BCR ground only." in response.text
    with app.app_context():
        assert db.session.get(ProcessingLocation, location_id).bcr_group is None
