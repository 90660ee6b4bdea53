"""The API's contract: the OpenAPI document, its reference page, and the suite's client that
holds every API answer to it (tests/contract.py)."""

from datetime import date

import pytest
from apispec_webframeworks.flask import FlaskPlugin
from flask import jsonify
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from registry.openapi.document import API_PREFIX, UNDOCUMENTED_METHODS, api_rules, document
from registry.openapi.types import nullable
from registry.public import verdict_views
from transfers.adequacy import CountryStatus
from transfers.reasons import Verdict


def _documented(contract: dict) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in contract["paths"].items()
        for method in item
        if method not in ("summary", "description", "parameters")
    }


def test_the_document_is_a_valid_openapi_3_1_document(app):
    contract = document(app)
    assert contract["openapi"] == "3.1.0"
    validate(contract)


def test_the_document_describes_every_api_rule_and_method_of_the_url_map(app):
    in_the_map = {
        (FlaskPlugin.flaskpath2openapi(rule.rule), method)
        for rule in api_rules(app)
        for method in rule.methods - UNDOCUMENTED_METHODS
    }
    assert {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)}
    assert _documented(document(app)) == in_the_map


def test_a_new_api_route_without_its_docstring_is_missing_from_the_document(app):
    app.add_url_rule("/api/v1/undocumented", "undocumented", lambda: {"a": 1})
    assert ("/api/v1/undocumented", "GET") not in _documented(document(app))


def test_the_document_is_served_as_json_and_built_once(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == document(app)
    assert document(app) is document(app)


def test_enums_are_the_code_s_own(app):
    schemas = document(app)["components"]["schemas"]
    assert schemas["CountryStatus"]["properties"]["status"]["enum"] == list(CountryStatus)
    assert schemas["Transfer"]["properties"]["verdict"]["enum"] == list(Verdict)


def test_a_transfer_carries_its_verdict_and_reasons_together_or_not_at_all(app):
    transfer = document(app)["components"]["schemas"]["Transfer"]
    assert {"verdict", "verdict_name", "reasons"}.isdisjoint(transfer["required"])
    assert transfer["dependentRequired"] == {"verdict": ["verdict_name", "reasons"]}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, {"type": ["string", "null"]}),
        ({"type": "string", "enum": ["a"]}, {"type": ["string", "null"], "enum": ["a", None]}),
        ({"$ref": "#/x"}, {"anyOf": [{"$ref": "#/x"}, {"type": "null"}]}),
    ],
)
def test_nullable_is_a_type_list_as_openapi_3_1_writes_it(schema, expected):
    assert nullable(schema) == expected


def test_the_reference_page_lists_every_operation(app, client):
    page = client.get("/api").get_data(as_text=True)
    for path, method in _documented(document(app)):
        assert f"<code>{method} {path}</code>" in page


def test_the_reference_page_describes_every_schema(app, client):
    page = client.get("/api").get_data(as_text=True)
    for name in document(app)["components"]["schemas"]:
        assert f'id="schema-{name}"' in page


def test_the_reference_page_is_translated(client):
    assert "<h1>Die API des Registers</h1>" in client.get("/api?lang=de").get_data(as_text=True)
    assert "<h1>L’API du registre</h1>" in client.get("/api?lang=fr").get_data(as_text=True)


def test_every_page_s_footer_links_the_reference_page_and_the_document(client):
    page = client.get("/subprocessors").get_data(as_text=True)
    assert 'href="/api"' in page
    assert 'href="/api/v1/openapi.json"' in page


def test_the_suite_s_client_refuses_an_answer_the_document_does_not_describe(app, client):
    document(app)  # the contract as the views describe it, before one of them goes wrong
    app.view_functions["public.api_measures"] = lambda: {"measures": "not a list"}
    with pytest.raises(AssertionError, match="not as documented"):
        client.get("/api/v1/measures")


def test_the_suite_s_client_refuses_a_status_the_document_does_not_list(app, client):
    document(app)
    app.view_functions["public.api_changes"] = lambda: (jsonify(changes=[]), 202)
    with pytest.raises(AssertionError, match="not as documented"):
        client.get("/api/v1/changes")


def test_the_suite_s_client_refuses_accepting_a_request_the_document_refuses(
    app, client, monkeypatch
):
    # The reader goes wrong: it accepts an empty list of transfers, which the document refuses.
    monkeypatch.setattr(verdict_views, "read_request", lambda body: (date(2027, 1, 1), []))
    with pytest.raises(AssertionError, match="to a request the document refuses"):
        client.post("/api/v1/verdicts", json={"transfers": []})


def test_the_suite_s_client_lets_an_undocumented_address_only_refuse(app, client):
    app.add_url_rule("/api/v1/undocumented", "undocumented", lambda: {"a": 1})
    with pytest.raises(AssertionError, match="does not describe"):
        client.get("/api/v1/undocumented")
    assert client.get("/api/v1/nothing-here").status_code == 404


def test_the_suite_s_client_holds_a_refusal_to_the_documented_error(app, client):
    response = client.get("/api/v1/transfers?on=tomorrow")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400


def _component_validator(app, name: str) -> OAS31Validator:
    components = document(app)["components"]
    return OAS31Validator({**components["schemas"][name], "components": components})


@pytest.mark.parametrize(
    ("subject", "extra", "valid"),
    [
        ("location", {"location": {"country": "US", "role": "storage", "city": None}}, True),
        ("location", {}, False),
        ("term", {"term": {"list": "purposes", "code": "hosting"}}, True),
        ("term", {"engages": {"id": 2, "name": "B"}}, False),
        ("chain_link", {"engages": {"id": 2, "name": "B"}}, True),
        ("subprocessor", {}, True),
        ("subprocessor", {"term": {"list": "services", "code": "x"}}, False),
    ],
)
def test_a_difference_carries_the_key_of_its_subject_and_no_other(app, subject, extra, valid):
    entry = {
        "subject": subject,
        "change": "added",
        "subprocessor": {"id": 1, "name": "A"},
        "fields": [{"field": "name", "before": None, "after": "A"}],
        "snapshot_id": 1,
        "taken_at": "2026-11-02T09:00:00Z",
        "notice": None,
        **extra,
    }
    assert _component_validator(app, "RegisterDifference").is_valid(entry) is valid


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_the_reference_page_in_each_language_lists_every_operation_and_the_file_schema(
    app, client, lang
):
    page = client.get(f"/api?lang={lang}").get_data(as_text=True)
    for path, method in _documented(document(app)):
        assert f"<code>{method} {path}</code>" in page
    assert 'href="/api/v1/schemas/register-export.json" type="application/schema+json"' in page
