"""What every request and response goes through: no file parts, bounded bodies and fields,
links that never follow the Host header, and the headers that keep browsers and caches out."""

import io

import pytest
import sqlalchemy as sa

from registry import config
from registry.extensions import db
from registry.models import ChangeKind, Objection, Subprocessor, Subscriber, User
from registry.notices import changes
from tests.web import csrf_token, log_in

HUGE = 2 * 1024 * 1024  # bytes: beyond the default limit of 1 MiB


@pytest.fixture
def notice_id(app, clock, make_subprocessor):
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
        return notice.id


def rows(app, model) -> list:
    with app.app_context():
        return db.session.scalars(sa.select(model)).all()


def a_file() -> tuple:
    return (io.BytesIO(b"dpo@customer.example"), "email.txt")


def test_a_field_sent_as_a_file_to_subscribe_is_refused_with_400(app, client):
    data = {"csrf_token": csrf_token(client, "/subscribe"), "email": a_file(), "language": "en"}
    response = client.post("/subscribe", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This form takes text only, but a field was sent as a file." in response.text
    assert rows(app, Subscriber) == []


def test_a_field_sent_as_a_file_to_the_login_is_refused_with_400(client, make_user):
    make_user(email="dpo@example.com")
    data = {"csrf_token": csrf_token(client), "email": "dpo@example.com", "password": a_file()}
    response = client.post("/admin/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This form takes text only, but a field was sent as a file." in response.text


def test_a_field_sent_as_a_file_to_an_objection_is_refused_with_400(app, client, notice_id):
    address = f"/changes/{notice_id}/object"
    data = {
        "csrf_token": csrf_token(client, address),
        "organisation": "Acme Telecom SA",
        "customer_reference": "C-1042",
        "contact_name": "Claire Dupont",
        "contact_email": a_file(),
        "grounds": "Our contract forbids it.",
    }
    response = client.post(address, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This form takes text only, but a field was sent as a file." in response.text
    assert rows(app, Objection) == []


def test_a_body_beyond_the_limit_is_refused_with_413_and_stores_nothing(app, client):
    data = {"csrf_token": csrf_token(client, "/subscribe"), "email": "a" * HUGE, "language": "en"}
    response = client.post("/subscribe", data=data)
    assert response.status_code == 413
    assert "This registry accepts requests of at most 1 MiB." in response.text
    assert "a" * 1000 not in response.text
    assert rows(app, Subscriber) == []


def test_the_api_answers_a_body_beyond_the_limit_in_json(client):
    response = client.post(
        "/api/v1/verdicts", data=b"{" + b" " * HUGE + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["status"] == 413


def test_the_body_limit_is_configurable(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    data = {"csrf_token": csrf_token(client, "/subscribe"), "email": "a" * 100_000}
    response = client.post("/subscribe", data=data)
    assert response.status_code == 413
    assert "at most 64 KiB" in response.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2097152", 2097152), ("65536", 65536)],
)
def test_max_content_length_is_read_from_the_environment(value, expected):
    assert config.from_environment({"MAX_CONTENT_LENGTH": value})["MAX_CONTENT_LENGTH"] == expected


@pytest.mark.parametrize("value", ["1000", "-1", "1 MiB"])
def test_a_max_content_length_too_small_or_not_a_number_stops_the_start(value):
    with pytest.raises(config.ConfigurationError, match="MAX_CONTENT_LENGTH"):
        config.from_environment({"MAX_CONTENT_LENGTH": value})


def test_an_over_long_email_is_a_form_error_that_is_not_sent_back_in_full(app, client):
    long_address = "a" * 500_000 + "@customer.example"
    data = {"csrf_token": csrf_token(client, "/subscribe"), "email": long_address, "language": "en"}
    response = client.post("/subscribe", data=data)
    assert response.status_code == 400
    assert "Field cannot be longer than 254 characters." in response.text
    assert "a" * 255 not in response.text
    assert rows(app, Subscriber) == []


def test_an_over_long_address_at_the_login_is_refused_without_being_sent_back(client, app):
    data = {"csrf_token": csrf_token(client), "email": "b" * 500_000, "password": "whatever"}
    response = client.post("/admin/login", data=data)
    assert response.status_code == 400
    assert "b" * 255 not in response.text
    assert rows(app, User) == []


@pytest.mark.parametrize(
    "address",
    ["/feeds/changes.rss", "/feeds/changes.atom", "/feeds/changes.json"],
)
def test_a_feed_fetched_with_a_forged_host_links_to_the_public_url_only(client, notice_id, address):
    response = client.get(address, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert f"http://127.0.0.1:5000/changes/{notice_id}" in response.text


@pytest.mark.parametrize(
    "address",
    ["/subprocessors", "/admin/login", "/feeds/changes.rss", "/api/v1/subprocessors", "/nowhere"],
)
def test_every_response_carries_the_security_headers(client, address):
    response = client.get(address)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_admin_pages_and_downloads_are_never_stored_by_a_cache(client, make_user):
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"  # the redirect to login
    make_user(email="dpo@example.com")
    log_in(client, "dpo@example.com")
    for address in ("/admin/", "/admin/audit", "/admin/audit.csv"):
        assert client.get(address).headers["Cache-Control"] == "no-store", address
    token = csrf_token(client, "/admin/assessments")
    pack = client.post("/admin/evidence.zip", data={"csrf_token": token})
    assert pack.status_code == 200
    assert pack.headers["Cache-Control"] == "no-store"


def test_a_nul_character_in_the_path_is_refused_before_any_query(client):
    response = client.get("/customer-feeds/%00.atom")
    assert response.status_code == 400
