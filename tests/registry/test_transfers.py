"""Transfers through the public surface: the register's badges, a subprocessor's page, the
countries and transfers API, and the /transfers page with its map."""

import gzip
import re
from datetime import date
from pathlib import Path

import pytest

from tests.factories import dpf_listing

US_DPF = {"country_code": "US", "transfer_tool": "adequacy", "adequacy_decision": "2023/1795"}
INDIA_SCC = {
    "country_code": "IN",
    "role": "follow_the_sun",
    "transfer_tool": "scc",
    "scc_module": 3,
    "measures": ["T-REMOTE-ACCESS-CONTROLS", "C-TRANSPARENCY"],
}


def _transfers(client, query=""):
    return client.get(f"/api/v1/transfers{query}").json


def test_the_register_shows_each_locations_status_and_ground(client, make_subprocessor):
    make_subprocessor(locations=[US_DPF], **dpf_listing())
    page = client.get("/subprocessors").text
    assert '<span class="badge badge-partially_adequate">Partial adequacy decision</span>' in page
    assert "Decision 2023/1795" in page


def test_a_subprocessors_page_links_the_decision_to_its_source(client, make_subprocessor):
    subprocessor = make_subprocessor(locations=[US_DPF], **dpf_listing())
    page = client.get(f"/subprocessors/{subprocessor.id}").text
    assert (
        '<a href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32023D1795" '
        'rel="noopener">Commission Implementing Decision (EU) 2023/1795</a>'
    ) in page


def test_a_subprocessors_page_shows_the_measures_and_the_edpbs_view(client, make_subprocessor):
    subprocessor = make_subprocessor(locations=[INDIA_SCC])
    page = client.get(f"/subprocessors/{subprocessor.id}").text
    assert "Access controls and logging for remote access to data in the clear" in page
    assert "Annex 2, Use Case 7: not effective for its use case in the EDPB&#39;s view" in page


def test_a_subprocessor_not_on_the_register_is_a_404(client, make_subprocessor):
    retired = make_subprocessor(status="retired")
    assert client.get(f"/subprocessors/{retired.id}").status_code == 404
    assert client.get("/subprocessors/99999").status_code == 404


def test_the_country_api_gives_the_status_and_the_decision(client):
    body = client.get("/api/v1/countries/us?on=2019-06-01").json
    assert body["code"] == "US"
    assert body["status"] == "partially_adequate"
    assert {key: body["decision"][key] for key in ("instrument", "celex", "ended", "scope")} == {
        "instrument": "Commission Implementing Decision (EU) 2016/1250",
        "celex": "32016D1250",
        "ended": "2020-07-16",
        "scope": "partial",
    }
    assert body["decision"]["adopted"] == "2016-07-12"
    assert body["decision"]["effective"] == "2016-07-12"
    assert body["decision"]["source"].startswith("https://eur-lex.europa.eu/")


def test_the_country_api_gives_no_decision_for_a_third_country(client):
    body = client.get("/api/v1/countries/IN").json
    assert (body["status"], body["decision"]) == ("third_country", None)


def test_the_country_api_answers_for_today_by_default(client, clock):
    assert client.get("/api/v1/countries/de").json["on"] == "2026-11-02"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("/api/v1/countries/ZZ", "“ZZ” is not a country in ISO 3166-1."),
        ("/api/v1/countries/USA", "“USA” is not a country code: use the two letters"),
        ("/api/v1/countries/US?on=2024-02-30", "“2024-02-30” is not a date: use YYYY-MM-DD"),
        ("/api/v1/countries/US?on=1999-12-31", "from 1 January 2000 on"),
        ("/api/v1/transfers?on=yesterday", "“yesterday” is not a date: use YYYY-MM-DD"),
        ("/api/v1/transfers?assume_ended=2099/1", "“2099/1” is not an adequacy decision."),
    ],
)
def test_bad_input_to_the_transfer_api_is_a_400_saying_what_is_accepted(client, address, message):
    response = client.get(address)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


def test_the_transfers_api_lists_every_location_with_its_verdict_and_reasons(
    team, make_subprocessor
):
    make_subprocessor(name="Uncertified", locations=[US_DPF])
    [entry] = _transfers(team)["transfers"]
    assert entry["subprocessor"]["name"] == "Uncertified"
    assert entry["transfer"]["verdict"] == "no_valid_ground"
    assert entry["transfer"]["reasons"][0]["message"] == (
        "United States: relies on adequacy but the importer is not DPF-certified"
    )


def test_the_what_if_turns_dpf_transfers_from_valid_to_no_valid_ground(team, make_subprocessor):
    make_subprocessor(locations=[US_DPF], **dpf_listing())
    assert _transfers(team)["verdicts"]["valid"] == 1
    what_if = _transfers(team, "?on=2027-02-01&assume_ended=2023/1795")
    assert what_if["assume_ended"] == ["2023/1795"]
    assert what_if["verdicts"] == {"valid": 0, "needs_attention": 0, "no_valid_ground": 1}


def test_the_transfers_api_judges_on_a_past_day(team, make_subprocessor):
    listing = dpf_listing(
        dpf_verified_on=date(2018, 6, 1), dpf_recertification_due=date(2019, 6, 1)
    )
    make_subprocessor(locations=[{**US_DPF, "adequacy_decision": "2016/1250"}], **listing)
    assert _transfers(team, "?on=2019-01-01")["transfers"][0]["transfer"]["verdict"] == "valid"
    assert _transfers(team)["transfers"][0]["transfer"]["verdict"] == "no_valid_ground"


def test_reasons_are_in_the_language_asked(team, make_subprocessor):
    make_subprocessor(locations=[US_DPF])
    reason = _transfers(team, "?lang=fr")["transfers"][0]["transfer"]["reasons"][0]
    assert reason["message"].startswith("États-Unis")


def test_the_demo_shows_every_verdict(runner, team):
    runner.invoke(args=["demo", "load"])
    verdicts = _transfers(team)["verdicts"]
    assert all(verdicts[name] > 0 for name in ("valid", "needs_attention", "no_valid_ground"))


def test_the_transfers_page_groups_countries_by_status_with_counts(client, make_subprocessor):
    make_subprocessor(locations=[INDIA_SCC])
    make_subprocessor(locations=[{"country_code": "IN", "transfer_tool": "scc", "scc_module": 3}])
    page = client.get("/transfers").text
    assert '<span class="badge badge-third_country">No adequacy decision</span> 1 country' in page
    assert ">India</a> — 2 subprocessors" in page


def test_the_transfers_page_refuses_a_bad_day_with_the_form_still_there(client):
    response = client.get("/transfers?on=31/12/2026")
    assert response.status_code == 400
    assert "“31/12/2026” is not a date" in response.text
    assert 'name="on"' in response.text


def test_the_map_is_svg_without_script_and_cacheable(client, make_subprocessor):
    make_subprocessor(locations=[INDIA_SCC])
    response = client.get("/transfers/map.svg")
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    assert b"<script" not in response.data
    # Kept as long as the other public answers (CACHE_SECONDS): it changes with the register.
    assert response.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert (
        client.get(
            "/transfers/map.svg", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_the_map_legend_is_text_under_the_map_in_the_map_colours(client, make_subprocessor):
    from registry.register.world_map import COLOURS

    make_subprocessor(locations=[INDIA_SCC])
    page = client.get("/transfers?lang=fr").text
    assert '<span class="swatch swatch-third_country"></span> Pas de décision d’adéquation' in page
    assert b"No adequacy decision" not in client.get("/transfers/map.svg").data  # no legend drawn
    stylesheet = (Path(__file__).resolve().parents[2] / "static" / "registry.css").read_text()
    for status, colour in COLOURS.items():
        assert f".swatch-{status.value} {{ background: {colour}; }}" in stylesheet


def test_the_map_is_sent_gzipped_to_clients_that_accept_it(client, make_subprocessor):
    make_subprocessor(locations=[INDIA_SCC])
    response = client.get("/transfers/map.svg", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).startswith(b"<?xml")


def test_every_reason_has_words_in_every_language(app):
    from registry.reason_words import REASONS as WORDS
    from transfers.reasons import REASONS

    assert set(WORDS) == set(REASONS)


def test_the_map_is_the_same_bytes_each_time_it_is_drawn(client, make_subprocessor):
    from registry.register.world_map import world_map

    make_subprocessor(locations=[INDIA_SCC])
    first = client.get("/transfers/map.svg").headers["ETag"]
    world_map.cache_clear()  # as a restarted or another worker process would draw it
    assert client.get("/transfers/map.svg").headers["ETag"] == first


def test_the_map_sets_no_language_cookie(client):
    response = client.get("/transfers/map.svg?lang=de")
    assert "Set-Cookie" not in response.headers


def test_an_unknown_measure_code_is_flagged_and_breaks_no_page(client, team, make_subprocessor):
    subprocessor = make_subprocessor(locations=[{**INDIA_SCC, "measures": ["X-RETIRED"]}])
    for address in (
        "/subprocessors",
        "/subprocessors.csv",
        "/transfers",
        f"/subprocessors/{subprocessor.id}",
    ):
        assert client.get(address).status_code == 200, address
    reasons = _transfers(team)["transfers"][0]["transfer"]["reasons"]
    assert "India: X-RETIRED is not a measure of the EDPB Recommendations 01/2020 catalogue" in [
        reason["message"] for reason in reasons
    ]


def test_a_subprocessor_number_beyond_any_row_is_a_404(client):
    assert client.get("/subprocessors/9223372036854775808").status_code == 404


@pytest.mark.parametrize("day", ["20270101", "2027-W01-1", "2027-1-1"])
def test_a_day_must_be_written_yyyy_mm_dd(client, day):
    response = client.get(f"/api/v1/transfers?on={day}")
    assert response.status_code == 400
    assert "use YYYY-MM-DD" in response.json["error"]["message"]


def test_a_day_given_twice_is_refused(client):
    response = client.get("/api/v1/transfers?on=2026-01-01&on=2027-01-01")
    assert response.status_code == 400
    assert "Give “on” only once." in response.json["error"]["message"]


def test_the_what_if_page_says_it_is_a_what_if(client, make_subprocessor):
    make_subprocessor(locations=[US_DPF], **dpf_listing())
    page = client.get("/transfers?on=2027-02-01&assume_ended=2023/1795").text
    assert "This page assumes that 2023/1795 ended on February 1, 2027." in page


def test_the_what_if_of_the_admin_transfers_page_gives_the_reason(team, make_subprocessor):
    make_subprocessor(locations=[US_DPF], dpf_certified=True)
    page = team.get("/admin/transfers?on=2027-02-01&assume_ended=2023/1795").text
    assert "is assumed, for this what-if, to end on February 1, 2027" in page


def test_a_past_day_offers_the_decisions_then_in_force_for_a_what_if(client):
    page = client.get("/transfers?on=2019-01-01").text
    assert '<option value="2016/1250">' in page
    assert '<option value="2023/1795">' not in page


def test_the_translatable_reasons_say_what_the_rules_say(app):
    from registry.reason_words import REASONS as WORDS
    from transfers.reasons import REASONS

    with app.test_request_context("/?lang=en"):
        for code, (_, words) in REASONS.items():
            assert str(WORDS[code]) == re.sub(r"\{(\w+)\}", r"%(\1)s", words), code
