"""The public register shows facts (each location's country status, ground and safeguards), not
verdicts: those are for the team, in the admin area and in the API for a logged-in user or a
personal API token, unless PUBLISH_VERDICTS publishes them."""

import re

import pytest

from registry.models.accounts import Role
from tests.web import log_in

INDIA_SCC = {
    "country_code": "IN",
    "role": "follow_the_sun",
    "transfer_tool": "scc",
    "scc_module": 3,
    "measures": ["T-REMOTE-ACCESS-CONTROLS"],
}
VERDICT_WORDS = ("Needs attention", "Valid ground", "No valid ground", "need attention")
REASON = "India: SCCs without a transfer impact assessment on record"


@pytest.fixture
def india(make_subprocessor):
    return make_subprocessor(name="Ganges Helpdesk", locations=[("NL", "storage"), INDIA_SCC]).id


@pytest.fixture
def published(app):
    app.config["PUBLISH_VERDICTS"] = True


@pytest.fixture
def viewer(app, make_user):
    make_user(email="viewer@example.com", role=Role.VIEWER)
    client = app.test_client()
    log_in(client, "viewer@example.com")
    return client


def _keys(value) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _page_texts(client, india) -> str:
    return client.get("/transfers").text + client.get(f"/subprocessors/{india}").text


@pytest.mark.parametrize("address", ["/api/v1/transfers", "/api/v1/subprocessors"])
def test_the_public_api_gives_no_verdict(client, india, address):
    assert {"verdict", "verdicts", "verdict_name", "reasons"} & _keys(
        client.get(address).json
    ) == set()


@pytest.mark.parametrize("address", ["/api/v1/transfers", "/api/v1/subprocessors"])
def test_the_public_api_still_gives_status_ground_and_measures(client, india, address):
    assert {"status", "ground", "measures", "effectiveness"} <= _keys(client.get(address).json)


@pytest.mark.parametrize("address", ["/transfers", "/subprocessors", "/subprocessors/{id}"])
def test_the_public_pages_name_no_verdict(client, india, address):
    page = client.get(address.format(id=india)).text
    assert [word for word in VERDICT_WORDS if word in page] == []


@pytest.mark.parametrize("address", ["/transfers", "/subprocessors/{id}"])
def test_the_public_pages_give_no_reason(client, india, address):
    assert REASON not in client.get(address.format(id=india)).text


def test_the_subprocessors_page_still_shows_the_edpbs_view_of_each_measure(client, india):
    page = client.get(f"/subprocessors/{india}").text
    assert "Annex 2, Use Case 7: not effective for its use case in the EDPB&#39;s view" in page


def test_the_csv_file_has_no_verdict_column(client, india):
    header = client.get("/subprocessors.csv").text.splitlines()[0]
    assert "verdict" not in header.lower()


def test_the_csv_file_names_no_verdict(client, india):
    text = client.get("/subprocessors.csv").text
    assert [word for word in (*VERDICT_WORDS, REASON) if word in text] == []


def test_published_verdicts_are_in_the_transfers_api(client, india, published):
    body = client.get("/api/v1/transfers").json
    assert body["verdicts"] == {"valid": 1, "needs_attention": 1, "no_valid_ground": 0}


def test_published_verdicts_are_on_a_subprocessors_page_with_their_reasons(
    client, india, published
):
    assert REASON in client.get(f"/subprocessors/{india}").text


def test_published_verdicts_are_counted_on_the_transfers_page(client, india, published):
    assert "1 needs attention" in client.get("/transfers").text


def test_published_verdicts_are_the_last_column_of_the_csv_file(client, india, published):
    header = client.get("/subprocessors.csv").text.splitlines()[0]
    assert header.endswith(",Transfer verdicts")


def test_the_csv_file_gives_each_published_verdict_with_its_reasons(client, india, published):
    row = client.get("/subprocessors.csv").text.splitlines()[1]
    assert re.search(rf"India \(IN\): Needs attention \([^)]*{REASON}", row)


def test_a_logged_in_viewer_gets_the_verdicts_from_the_transfers_api(viewer, india):
    transfers = viewer.get("/api/v1/transfers").json["transfers"]
    assert [entry["transfer"]["verdict"] for entry in transfers] == ["valid", "needs_attention"]


def test_a_logged_in_viewer_gets_the_reasons_from_the_subprocessors_api(viewer, india):
    [record] = viewer.get("/api/v1/subprocessors").json["subprocessors"]
    assert REASON in [reason["message"] for reason in record["locations"][1]["transfer"]["reasons"]]


def test_a_logged_in_viewer_still_sees_the_public_page_without_verdicts(viewer, india):
    assert REASON not in viewer.get(f"/subprocessors/{india}").text


def test_an_answer_with_verdicts_for_a_user_is_kept_from_shared_caches(viewer, india):
    response = viewer.get("/api/v1/transfers")
    assert (response.cache_control.private, "Authorization" in response.vary) == (True, True)


def test_the_admin_transfers_page_shows_each_verdict_with_its_reasons(viewer, india):
    page = viewer.get("/admin/transfers").text
    assert '<span class="verdict verdict-needs_attention">Needs attention</span>' in page
    assert REASON in page


def test_the_admin_transfers_page_is_in_the_admin_navigation(viewer):
    assert 'href="/admin/transfers"' in viewer.get("/admin/").text


def test_the_admin_transfers_page_needs_a_login(client):
    assert client.get("/admin/transfers").status_code == 302
