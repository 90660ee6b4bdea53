"""POST /api/v1/verdicts judges hypothetical transfers without storing anything; GET
/api/v1/measures lists the catalogue it judges measures by."""

from datetime import UTC, datetime

import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEvent

CHINA = {
    "country": "CN",
    "role": "processing",
    "ground": {"tool": "scc", "scc_module": 3},
    "measures": ["T-TRANSIT-ENCRYPTION"],
    "assessment": {
        "conclusion": "acceptable_with_measures",
        "approved_on": "2026-03-01",
        "next_review": "2027-03-01",
    },
}


def verdicts(client, *transfers, on="2026-11-30", **more):
    return client.post("/api/v1/verdicts", json={"on": on, "transfers": list(transfers), **more})


def test_the_china_case_of_the_readme_needs_attention_with_the_reason_said(client):
    [answer] = verdicts(client, CHINA).json["verdicts"]
    assert answer["verdict"] == "needs_attention"
    assert answer["reasons"][0]["code"] == "tia_clear_processing"
    assert "processed in the clear" in answer["reasons"][0]["text"]


def test_the_verdicts_come_back_in_the_order_given(client):
    transfers = [{"country": "DE"}, {"country": "IN"}, CHINA]
    answer = verdicts(client, *transfers).json["verdicts"]
    assert [item["country"] for item in answer] == ["DE", "IN", "CN"]
    assert [item["verdict"] for item in answer] == ["valid", "no_valid_ground", "needs_attention"]


def test_a_derogation_for_regular_processing_has_no_valid_ground(client):
    derogation = {
        "tool": "derogation",
        "derogation": "49(1)(e)",
        "occasional": False,
        "justification": "Claims",
    }
    [answer] = verdicts(client, {"country": "IN", "role": "storage", "ground": derogation}).json[
        "verdicts"
    ]
    assert answer["verdict"] == "no_valid_ground"
    assert [reason["code"] for reason in answer["reasons"]] == ["derogation_systematic"]


def test_a_dpf_importer_with_dated_facts_is_valid(client):
    importer = {
        "dpf": {
            "listed": True,
            "scope": "both",
            "verified_on": "2026-10-01",
            "recertification_due": "2027-05-01",
        }
    }
    transfer = {
        "country": "US",
        "role": "storage",
        "ground": {"tool": "adequacy"},
        "importer": importer,
        "hr_data": True,
    }
    [answer] = verdicts(client, transfer).json["verdicts"]
    assert answer["verdict"] == "valid"


def test_the_day_judged_is_today_by_the_apps_clock_when_on_is_left_out(client, clock):
    clock.instant = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    answer = client.post("/api/v1/verdicts", json={"transfers": [{"country": "JP"}]}).json
    assert answer["on"] == "2027-03-01"


def test_the_reasons_come_in_the_readers_language(client):
    answer = client.post("/api/v1/verdicts?lang=de", json={"transfers": [CHINA]}).json
    assert answer["verdicts"][0]["reasons"][0]["text"].startswith("China: Die Daten werden dort")


def test_judging_stores_nothing(app, client):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert verdicts(client, CHINA).status_code == 200
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before


def test_a_bad_module_is_refused_naming_the_field(client):
    transfer = {"country": "CN", "ground": {"tool": "scc", "scc_module": 7}}
    answer = verdicts(client, {"country": "DE"}, transfer)
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[1].ground.scc_module"


def test_a_field_of_another_tool_is_refused_naming_it(client):
    transfer = {"country": "CN", "ground": {"tool": "adequacy", "scc_module": 3}}
    answer = verdicts(client, transfer)
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[0].ground.scc_module"


def test_a_missing_country_is_refused_naming_the_field(client):
    answer = verdicts(client, {"role": "storage"})
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[0].country"


def test_an_unknown_country_is_refused_naming_the_field(client):
    answer = verdicts(client, {"country": "ZZ"})
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[0].country"


def test_a_measure_outside_the_catalogue_is_refused_naming_the_field(client):
    answer = verdicts(client, {"country": "IN", "measures": ["T-ENCRYPTED-STORAGE", "X-NONE"]})
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[0].measures[1]"


def test_a_bad_date_is_refused_naming_the_field(client):
    answer = verdicts(client, {"country": "IN"}, on="30/11/2026")
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "on"


def test_an_assessment_without_its_approval_day_is_refused_naming_the_field(client):
    transfer = {**CHINA, "assessment": {"conclusion": "acceptable", "next_review": "2027-01-01"}}
    answer = verdicts(client, transfer)
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers[0].assessment.approved_on"


def test_a_body_that_is_not_json_is_refused(client):
    answer = client.post("/api/v1/verdicts", data="country=CN", content_type="text/plain")
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "(body)"


def test_a_body_nested_deeper_than_the_parser_goes_is_refused_not_a_500(client):
    body = b"[" * 50_000 + b"]" * 50_000
    answer = client.post("/api/v1/verdicts", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["error"] == {
        "status": 400,
        "message": "The JSON body is nested too deeply.",
        "field": "(body)",
    }


def test_no_transfers_is_refused(client):
    answer = verdicts(client)
    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "transfers"


def test_the_measures_catalogue_lists_each_measure_with_its_use_case_and_edpb_view(client):
    measures = {item["code"]: item for item in client.get("/api/v1/measures").json["measures"]}
    transit = measures["T-TRANSIT-ENCRYPTION"]
    assert (transit["kind"], transit["use_case"], transit["edpb_view"]) == (
        "technical",
        "UC3",
        "effective",
    )
    assert set(transit["titles"]) == {"en", "de", "fr"}
    assert measures["C-TRANSPARENCY"]["use_case"] is None


def test_the_measures_catalogue_says_which_use_cases_fit_each_role(client):
    roles = client.get("/api/v1/measures").json["roles"]
    assert roles["transit"] == ["UC3"]
    assert "UC3" not in roles["processing"]
