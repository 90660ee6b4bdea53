"""The public register and its transfers list a page of rows at a time (REGISTER_PAGE_SIZE);
their counts, the CSV and the API cover every row."""

import csv
import io

import pytest

from registry.response_stores import MemoryStore

INDIA_SCC = {"country_code": "IN", "role": "processing", "transfer_tool": "scc", "scc_module": 3}


@pytest.fixture
def five(app, make_subprocessor):
    """Five subprocessors, Alpha to Echo, two to a page; Delta and Echo process in India."""
    app.config["REGISTER_PAGE_SIZE"] = 2
    for name in ("Echo", "Alpha", "Delta", "Charlie", "Bravo"):
        abroad = name in ("Delta", "Echo")
        make_subprocessor(name=name, locations=[INDIA_SCC if abroad else ("DE", "storage")])


def _names_listed(page: str) -> list[str]:
    return [
        name for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo") if f">{name}</a>" in page
    ]


def test_the_first_page_lists_the_first_subprocessors_by_name(client, five):
    assert _names_listed(client.get("/subprocessors").text) == ["Alpha", "Bravo"]


def test_the_second_page_lists_the_next_subprocessors_by_name(client, five):
    assert _names_listed(client.get("/subprocessors?page=2").text) == ["Charlie", "Delta"]


def test_the_last_page_lists_what_is_left(client, five):
    assert _names_listed(client.get("/subprocessors?page=3").text) == ["Echo"]


def test_the_summary_counts_every_subprocessor_and_country_not_only_the_page(client, five):
    page = client.get("/subprocessors").text
    assert "5 subprocessors" in page
    assert "processing in 2 countries" in page
    assert "1 of them outside the EEA" in page


def test_the_pager_says_which_rows_are_shown_of_how_many(client, five):
    assert "Showing 3–4 of 5" in client.get("/subprocessors?page=2").text


def test_the_pager_says_which_rows_are_shown_in_german(client, five):
    assert "Einträge 3–4 von 5" in client.get("/subprocessors?page=2&lang=de").text


def test_the_pager_is_a_navigation_landmark_marking_the_current_page(client, five):
    page = client.get("/subprocessors?page=2").text
    assert '<nav class="pager" aria-label="Pages of the register">' in page
    assert '<a aria-current="page" href="/subprocessors?page=2">2</a>' in page


def test_the_pages_before_and_after_are_linked_for_browsers_and_readers(client, five):
    page = client.get("/subprocessors?page=2").text
    assert '<link rel="prev" href="/subprocessors">' in page
    assert '<link rel="next" href="/subprocessors?page=3">' in page
    assert '<a rel="next" href="/subprocessors?page=3">' in page


def test_the_pager_links_keep_the_filter_and_the_language(app, client, five, make_subprocessor):
    for name in ("Foxtrot", "Golf"):
        make_subprocessor(name=name, locations=[INDIA_SCC])
    page = client.get("/subprocessors?country=IN&lang=fr").text
    assert '<link rel="next" href="/subprocessors?country=IN&amp;page=2&amp;lang=fr">' in page
    assert "Page suivante" in page


def test_the_pager_points_to_the_whole_list_as_csv_and_json(client, five):
    page = client.get("/subprocessors?page=2").text
    assert '<a href="/subprocessors.csv?lang=en" type="text/csv">CSV</a>' in page.split("pager")[-1]


def test_a_page_that_is_not_a_number_is_refused_with_what_is_accepted(client, five):
    response = client.get("/subprocessors?page=two")
    assert response.status_code == 400
    assert "“two” is not a page number: give a whole number from 1." in response.text


def test_a_page_number_of_thousands_of_digits_is_refused_as_not_a_page_number(client, five):
    response = client.get("/subprocessors?page=" + "9" * 5000)
    assert response.status_code == 400
    assert "is not a page number" in response.text


def test_a_page_past_the_end_is_refused_with_the_number_of_pages(client, five):
    response = client.get("/subprocessors?page=4")
    assert response.status_code == 400
    assert "There is no page 4: this list has 3 pages; ask for one from 1 to 3." in response.text


def test_a_page_that_is_not_a_number_is_refused_in_french(client, five):
    response = client.get("/subprocessors?page=0&lang=fr")
    assert response.status_code == 400
    assert "«\u202f0\u202f» n’est pas un numéro de page" in response.text


def test_a_register_that_fits_on_a_page_shows_no_pager(app, client, make_subprocessor):
    app.config["REGISTER_PAGE_SIZE"] = 2
    make_subprocessor(name="Alpha")
    make_subprocessor(name="Bravo")
    page = client.get("/subprocessors").text
    assert _names_listed(page) == ["Alpha", "Bravo"]
    assert "pager" not in page
    assert 'rel="next"' not in page


def test_the_csv_lists_every_subprocessor_whatever_the_page_size(client, five):
    rows = list(csv.reader(io.StringIO(client.get("/subprocessors.csv?page=2").text)))
    assert [row[0] for row in rows[1:]] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_the_csv_streamed_reads_as_the_csv_kept_by_the_cache(app, client, five):
    streamed = client.get("/subprocessors.csv?lang=de")
    # A streamed answer has no length known in advance; a kept one is bytes with an ETag.
    assert "Content-Length" not in streamed.headers
    app.extensions["response_cache"] = MemoryStore(8)
    kept = app.test_client().get("/subprocessors.csv?lang=de")
    assert "ETag" in kept.headers
    assert streamed.data == kept.data
    assert streamed.data.startswith("\ufeff".encode())


def test_the_api_lists_every_subprocessor_whatever_the_page_size(client, five):
    answer = client.get("/api/v1/subprocessors").json
    assert answer["count"] == 5
    assert [entry["name"] for entry in answer["subprocessors"]][-1] == "Echo"


@pytest.fixture
def transfers(app, make_subprocessor):
    """Three subprocessors each with a location in India and one in Germany; two to a page."""
    app.config["REGISTER_PAGE_SIZE"] = 2
    for name in ("Charlie", "Alpha", "Bravo"):
        make_subprocessor(name=name, locations=[INDIA_SCC, ("DE", "storage")])


def test_the_transfers_second_page_lists_the_next_transfer_out_of_the_eea(client, transfers):
    table = client.get("/transfers?page=2").text.split("Transfers out of the EEA")[-1]
    assert _names_listed(table) == ["Charlie"]


def test_the_transfers_counts_cover_every_page(client, transfers):
    page = client.get("/transfers?page=2").text
    assert "India</a> — 3 subprocessors" in page
    assert "Germany</a> — 3 subprocessors" in page
    assert "Showing 3–3 of 3" in page


def test_the_transfers_pager_keeps_the_day_and_the_what_if(client, transfers):
    page = client.get("/transfers?on=2026-01-15&assume_ended=2023/1795&lang=de").text
    assert (
        '<link rel="next" href="/transfers?on=2026-01-15&amp;assume_ended=2023/1795&amp;page=2'
        '&amp;lang=de">'
    ) in page
    assert "Nächste Seite" in page


def test_a_transfers_page_that_is_not_a_number_is_refused_with_a_message(client, transfers):
    response = client.get("/transfers?page=-1")
    assert response.status_code == 400
    assert "“-1” is not a page number: give a whole number from 1." in response.text


def test_a_transfers_page_past_the_end_is_refused_in_german(client, transfers):
    response = client.get("/transfers?page=3&lang=de")
    assert response.status_code == 400
    assert "Es gibt keine Seite 3" in response.text


def test_the_transfers_api_lists_every_transfer_whatever_the_page_size(client, transfers):
    assert client.get("/api/v1/transfers").json["count"] == 6


def test_the_api_streamed_reads_as_the_api_kept_by_the_cache(app, client, five):
    streamed = client.get("/api/v1/subprocessors?lang=fr")
    assert "Content-Length" not in streamed.headers
    app.extensions["response_cache"] = MemoryStore(8)
    kept = app.test_client().get("/api/v1/subprocessors?lang=fr")
    assert "ETag" in kept.headers
    assert streamed.data == kept.data


def test_the_register_of_a_day_is_paged_as_its_snapshot_recorded_it(
    app, client, clock, five, make_subprocessor
):
    from registry.extensions import db
    from registry.models import Subprocessor
    from registry.notices import changes

    with app.app_context():
        alpha = db.session.scalar(db.select(Subprocessor).filter_by(name="Alpha"))
        changes.publish_editorial(alpha, {"address": "1 Alpha Road"}, "A typo", "dpo@example.com")
        db.session.commit()
    clock.move(days=1)
    make_subprocessor(name="Foxtrot")  # engaged after the day asked: not on its record
    app.config["REGISTER_PAGE_SIZE"] = 3
    page = client.get("/subprocessors?on=2026-11-02&page=2").text
    assert _names_listed(page) == ["Delta", "Echo"]
    assert "5 subprocessors" in page
    assert '<link rel="prev" href="/subprocessors?on=2026-11-02">' in page
