"""One clock: every "today" is the day the application's clock says it is in the organisation's
time zone (Europe/Luxembourg), on the public pages, in the API, in the verdicts and in the
assessments. The instants below are already the next day in Luxembourg but not yet in UTC."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

NEW_YEAR_IN_LUXEMBOURG = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 CET, 1 January
# 00:30 CEST on 16 July 2020, the day the Court of Justice ended the Privacy Shield.
SCHREMS_II_IN_LUXEMBOURG = datetime(2020, 7, 15, 22, 30, tzinfo=UTC)
PRIVACY_SHIELD = {
    "country_code": "US",
    "transfer_tool": "adequacy",
    "adequacy_decision": "2016/1250",
}
ROOT = Path(__file__).parents[2]


def test_the_transfers_api_judges_on_the_day_it_is_in_luxembourg(client, clock):
    clock.instant = NEW_YEAR_IN_LUXEMBOURG
    assert client.get("/api/v1/transfers").json["on"] == "2027-01-01"


def test_the_country_api_answers_for_the_day_it_is_in_luxembourg(client, clock):
    clock.instant = NEW_YEAR_IN_LUXEMBOURG
    assert client.get("/api/v1/countries/de").json["on"] == "2027-01-01"


def test_moving_the_clock_past_midnight_in_luxembourg_changes_the_day_judged(client, clock):
    clock.instant = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert client.get("/api/v1/transfers").json["on"] == "2026-12-31"
    clock.move(hours=1)
    assert client.get("/api/v1/transfers").json["on"] == "2027-01-01"


def test_the_transfers_page_asks_about_the_day_it_is_in_luxembourg(client, clock):
    clock.instant = NEW_YEAR_IN_LUXEMBOURG
    page = client.get("/transfers").text
    assert 'name="on" type="date" min="2000-01-01" value="2027-01-01"' in page


def test_the_register_shows_the_status_on_the_day_it_is_in_luxembourg(
    client, clock, make_subprocessor
):
    make_subprocessor(locations=[PRIVACY_SHIELD], dpf_certified=True)
    clock.instant = SCHREMS_II_IN_LUXEMBOURG
    page = client.get("/subprocessors").text
    assert '<span class="badge badge-third_country">No adequacy decision</span>' in page


def test_the_register_showed_the_privacy_shield_an_hour_earlier(client, clock, make_subprocessor):
    make_subprocessor(locations=[PRIVACY_SHIELD], dpf_certified=True)
    clock.instant = SCHREMS_II_IN_LUXEMBOURG
    clock.move(hours=-1)
    page = client.get("/subprocessors").text
    assert '<span class="badge badge-partially_adequate">Partial adequacy decision</span>' in page


@pytest.mark.parametrize("folder", ["registry", "templates", "transfers"])
def test_nothing_but_the_clock_reads_the_time(folder):
    reading = re.compile(r"date\.today\(|datetime\.(now|utcnow|today)\(|time\.time\(|now\(\)")
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and path != ROOT / "registry" / "clock.py"
        and any(reading.search(line.replace("clock.now()", "")) for line in _lines(path))
    ]
    assert readers == []


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
