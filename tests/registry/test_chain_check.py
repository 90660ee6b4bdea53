"""Watching upstream (issue 16, item 5): a direct subprocessor's own list of the companies it
engages is read from a local HTTP server whose list changes between checks, compared with the
recorded chain, and the differences wait in a review for an editor; nothing is announced."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from registry.chain import watch
from registry.extensions import db
from registry.models import (
    ChainLink,
    ChainReview,
    ChainSource,
    ChangeNotice,
    ListFormat,
    ReviewState,
    Subprocessor,
)
from registry.models.accounts import Role
from tests.web import csrf_token

CLOUDWAY = {"name": "Cloudway Hosting", "legal_name": "Cloudway Hosting Inc.", "country": "US"}
NORDIC = {"name": "Nordic Mail", "legal_name": "Nordic Mail AB", "country": "SE"}
NORDIC["activity"] = "Sends the CRM's emails"


class Upstream:
    """A subprocessor's web server, on this machine: serves `body` at every path."""

    def __init__(self) -> None:
        self.body, self.content_type, self.status = b"", "application/json", 200
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(upstream.status)
                self.send_header("Content-Type", upstream.content_type)
                self.send_header("Content-Length", str(len(upstream.body)))
                self.end_headers()
                self.wfile.write(upstream.body)

            def log_message(self, *args) -> None:
                """Quiet: the test reads what was served, not the server's log."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/subprocessors"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def lists(self, *companies: dict) -> None:
        self.body = json.dumps({"subprocessors": list(companies)}).encode()


@pytest.fixture
def upstream():
    server = Upstream()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def harbourline(app, runner, upstream):
    """The demo's Harbourline CRM, which engages Cloudway Hosting, with its list on the local
    server, read once as the demo records it."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    upstream.lists(CLOUDWAY)
    with app.app_context():
        parent = named("Harbourline CRM")
        values = watch.SourceValues(ListFormat.JSON, {}, url=upstream.url)
        watch.set_source(parent, values, "test")
        db.session.commit()
        parent_id = parent.id
    assert "nothing new" in runner.invoke(args=["chain", "check"]).output
    return parent_id


def named(name: str) -> Subprocessor:
    return db.session.scalar(sa.select(Subprocessor).where(Subprocessor.name == name))


def reviews() -> list[ChainReview]:
    return list(db.session.scalars(sa.select(ChainReview).order_by(ChainReview.id)))


def test_a_list_that_gained_one_entry_and_lost_another_opens_one_review_with_both(
    app, runner, upstream, harbourline
):
    upstream.lists(NORDIC)
    result = runner.invoke(args=["chain", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        (review,) = reviews()
        assert review.state == ReviewState.OPEN
        assert [entry["name"] for entry in review.differences["added"]] == ["Nordic Mail"]
        assert [entry["name"] for entry in review.differences["removed"]] == ["Cloudway Hosting"]


def test_the_check_says_what_it_read_and_which_review_it_opened(app, runner, upstream, harbourline):
    upstream.lists(NORDIC)
    output = runner.invoke(args=["chain", "check"]).output
    with app.app_context():
        (review,) = reviews()
    assert f"read 1 entries, +1 added, −1 removed; review {review.id} opened." in output


def test_running_the_check_again_opens_nothing_new(app, runner, upstream, harbourline):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    again = runner.invoke(args=["chain", "check"])
    assert "nothing new" in again.output
    with app.app_context():
        assert len(reviews()) == 1


def test_the_check_announces_nothing(app, runner, upstream, harbourline):
    with app.app_context():
        notices = db.session.scalar(sa.select(sa.func.count(ChangeNotice.id)))
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChangeNotice.id))) == notices


def test_a_list_changed_after_the_review_was_closed_opens_a_new_one(
    app, runner, upstream, harbourline
):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        watch.close_review(reviews()[0], ReviewState.DISMISSED, "Not yet", "test")
        db.session.commit()
    upstream.lists(NORDIC, CLOUDWAY, {"name": "Tallinn Telecom", "country": "EE"})
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        closed, opened = reviews()
        assert opened.state == ReviewState.OPEN
        added = [entry["name"] for entry in opened.differences["added"]]
        assert added == ["Nordic Mail", "Tallinn Telecom"]


def test_a_closed_review_is_not_opened_again_by_the_same_list(app, runner, upstream, harbourline):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        watch.close_review(reviews()[0], ReviewState.DISMISSED, "", "test")
        db.session.commit()
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        assert len(reviews()) == 1


def test_an_unreachable_server_is_reported_and_opens_nothing(app, runner, upstream, harbourline):
    upstream.status = 404
    result = runner.invoke(args=["chain", "check"])
    assert "not read: The server answered 404" in result.output
    assert result.exit_code == 1  # every source failed
    with app.app_context():
        assert reviews() == []
        source = db.session.scalar(sa.select(ChainSource))
        assert source.last_error.startswith("The server answered 404")


def test_a_server_that_is_not_there_is_reported_without_a_traceback(
    app, runner, upstream, harbourline
):
    upstream.server.shutdown()
    upstream.server.server_close()
    result = runner.invoke(args=["chain", "check"])
    assert "not read: The list could not be fetched" in result.output
    assert "Traceback" not in result.output


def test_only_the_subprocessor_asked_for_is_checked(app, runner, upstream, harbourline):
    upstream.lists(NORDIC)
    result = runner.invoke(args=["chain", "check", "--subprocessor", str(harbourline + 1000)])
    assert "No subprocessor has a list to check." in result.output
    with app.app_context():
        assert reviews() == []


HTML_PAGE = """<html><body><h1>Our subprocessors</h1>
<table><tr><th>Company</th><th>Entity</th><th>Location</th><th>Service</th></tr>
<tr><td>Cloudway Hosting</td><td>Cloudway Hosting, Inc</td><td>US</td><td>Hosting</td></tr>
<tr><td>Nordic&nbsp;Mail</td><td>Nordic Mail AB</td><td>SE</td><td>Email <br>delivery</td></tr>
</table></body></html>"""
MAPPING = {"name": "Company", "legal_name": "Entity", "country": "Location", "activity": "Service"}


def test_an_html_table_is_read_through_the_sources_column_mapping(
    app, runner, upstream, harbourline
):
    upstream.body, upstream.content_type = HTML_PAGE.encode(), "text/html; charset=utf-8"
    with app.app_context():
        values = watch.SourceValues(ListFormat.HTML, MAPPING, url=upstream.url)
        watch.set_source(db.session.get(Subprocessor, harbourline), values, "test")
        db.session.commit()
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        (review,) = reviews()
        assert review.differences["added"] == [
            {
                "name": "Nordic Mail",
                "legal_name": "Nordic Mail AB",
                "country": "SE",
                "activity": "Email delivery",
                "drafted_id": None,
            }
        ]
        assert review.differences["removed"] == []


def test_a_file_the_vendor_sent_is_read_as_csv(app, runner, logged_in, harbourline):
    client = logged_in(Role.EDITOR)
    csv_file = (
        b"name,legal_name,country\nCloudway Hosting,Cloudway Hosting Inc.,US\nNordic Mail,,SE\n"
    )
    response = client.post(
        f"/admin/subprocessors/{harbourline}/chain-source",
        data={
            "csrf_token": csrf_token(client, f"/admin/subprocessors/{harbourline}"),
            "source-format": "csv",
            "source-file": (io.BytesIO(csv_file), "list.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        (review,) = reviews()
        assert [entry["name"] for entry in review.differences["added"]] == ["Nordic Mail"]


def test_drafting_an_added_company_from_the_review_drafts_it_in_the_chain(
    app, runner, upstream, logged_in, harbourline
):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        review_id = reviews()[0].id
    client = logged_in(Role.EDITOR)
    address = f"/admin/chain-reviews/{review_id}"
    page = client.get(address).text
    assert "Nordic Mail AB" in page and 'value="Nordic Mail"' in page
    response = client.post(
        f"{address}/added/0",
        data={
            "csrf_token": csrf_token(client, address),
            "added0-name": "Nordic Mail",
            "added0-legal_name": "Nordic Mail AB",
            "added0-address": "Storgatan 1, Stockholm",
            "added0-country": "SE",
            "added0-contact": "DPO",
            "added0-activity": "Sends the CRM's emails",
            "added0-recipient_category": str(recipient_category(app)),
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        nordic = named("Nordic Mail")
        assert nordic.status.value == "proposed" and not nordic.engaged_directly
        link = db.session.scalar(sa.select(ChainLink).where(ChainLink.child_id == nordic.id))
        assert link.parent_id == harbourline
        assert reviews()[0].differences["added"][0]["drafted_id"] == nordic.id


def recipient_category(app) -> int:
    with app.app_context():
        return named("Harbourline CRM").recipient_category_id


def test_the_review_links_a_removed_company_to_its_page(
    app, runner, upstream, logged_in, harbourline
):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        review_id = reviews()[0].id
        cloudway = named("Cloudway Hosting").id
    page = logged_in(Role.VIEWER).get(f"/admin/chain-reviews/{review_id}").text
    assert f'href="/admin/subprocessors/{cloudway}"' in page


def test_an_editor_dismisses_a_review_with_a_note(app, runner, upstream, logged_in, harbourline):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        review_id = reviews()[0].id
    client = logged_in(Role.EDITOR)
    address = f"/admin/chain-reviews/{review_id}"
    response = client.post(
        f"{address}/close",
        data={"csrf_token": csrf_token(client, address), "state": "dismissed", "note": "Typo"},
    )
    assert response.status_code == 302
    with app.app_context():
        review = reviews()[0]
        assert (review.state, review.note) == (ReviewState.DISMISSED, "Typo")


def test_the_open_reviews_are_listed(app, runner, upstream, logged_in, harbourline):
    upstream.lists(NORDIC)
    runner.invoke(args=["chain", "check"])
    page = logged_in(Role.VIEWER).get("/admin/chain-reviews").text
    assert "Harbourline CRM" in page and "+1" in page


def test_the_worker_checks_no_list_when_no_interval_is_set(app, runner, upstream, harbourline):
    upstream.lists(NORDIC)
    runner.invoke(args=["worker", "--once"])
    with app.app_context():
        assert reviews() == []


def test_the_worker_checks_a_list_when_the_interval_has_passed(
    app, clock, runner, upstream, harbourline
):
    app.config["CHAIN_CHECK_INTERVAL_HOURS"] = 24
    upstream.lists(NORDIC)
    clock.move(hours=23)
    runner.invoke(args=["worker", "--once"])
    with app.app_context():
        assert reviews() == []
    clock.move(hours=1)
    assert "1 subprocessor list(s) checked" in runner.invoke(args=["worker", "--once"]).output
    with app.app_context():
        assert len(reviews()) == 1


def test_an_editor_checks_a_list_at_once_from_the_subprocessors_page(
    app, upstream, logged_in, harbourline
):
    upstream.lists(NORDIC)
    client = logged_in(Role.EDITOR)
    page = f"/admin/subprocessors/{harbourline}"
    response = client.post(
        f"{page}/chain-source/check", data={"csrf_token": csrf_token(client, page)}
    )
    with app.app_context():
        (review,) = reviews()
    assert response.headers["Location"] == f"/admin/chain-reviews/{review.id}"


def test_a_source_that_is_not_a_web_address_is_refused(app, logged_in, harbourline):
    client = logged_in(Role.EDITOR)
    page = f"/admin/subprocessors/{harbourline}"
    response = client.post(
        f"{page}/chain-source",
        data={
            "csrf_token": csrf_token(client, page),
            "source-url": "file:///etc/passwd",
            "source-format": "csv",
        },
    )
    assert response.status_code == 400
    assert "The address must begin with https:// or http://." in response.text


def test_a_csv_list_written_with_semicolons_is_read(app, runner, upstream, harbourline):
    upstream.body = "Name;Legal name;Country\nCloudway Hosting;;US\nNordic Mail;Nordic Mail AB;SE\n"
    upstream.body, upstream.content_type = upstream.body.encode(), "text/csv"
    with app.app_context():
        values = watch.SourceValues(ListFormat.CSV, {"legal_name": "Legal name"}, url=upstream.url)
        watch.set_source(db.session.get(Subprocessor, harbourline), values, "test")
        db.session.commit()
    runner.invoke(args=["chain", "check"])
    with app.app_context():
        (review,) = reviews()
        assert [entry["legal_name"] for entry in review.differences["added"]] == ["Nordic Mail AB"]
