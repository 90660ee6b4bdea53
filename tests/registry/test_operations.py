"""The probes, the worker's heartbeat, the request ids and the metrics, through HTTP and the
command line."""

import pytest
import sqlalchemy as sa

from registry import create_app, subscriptions
from registry.config import ConfigurationError, from_environment
from registry.extensions import db
from registry.operations.logs import redact_emails
from tests import conftest

METRICS_TOKEN = "a-metrics-token-for-the-tests"


@pytest.fixture
def metered(app, migrated_database):
    """The application with its metrics on, beside `app` (which clears the database after)."""
    config = conftest.test_config(migrated_database)
    metered = create_app(config | {"METRICS_ENABLED": True, "METRICS_TOKEN": METRICS_TOKEN})
    yield metered
    with metered.app_context():
        db.engine.dispose()


def scrape(app) -> str:
    response = app.test_client().get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert response.status_code == 200
    return response.text


def test_healthz_answers_alive_without_asking_the_database(client, count_statements):
    with count_statements() as counted:
        response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "alive"})
    assert counted.count == 0


def test_the_probes_set_no_cookie(client, runner):
    runner.invoke(args=["worker", "--once"])
    for address in ("/healthz", "/readyz"):
        assert "Set-Cookie" not in client.get(address).headers


def test_readyz_is_503_naming_the_worker_until_a_worker_has_reported(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["not_ready"] == ["worker"]
    assert response.json["checks"]["worker"] == "no worker has reported yet"


def test_readyz_is_200_once_the_worker_has_done_a_round(client, runner):
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["ready"] is True
    assert set(response.json["checks"]) == {"database", "schema", "worker"}


def test_readyz_is_503_once_the_heartbeat_is_older_than_the_setting(app, client, runner, clock):
    runner.invoke(args=["worker", "--once"])
    clock.move(seconds=app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"] + 1)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["not_ready"] == ["worker"]


def test_readyz_does_not_look_at_the_worker_when_the_setting_is_0(app, client):
    app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"] = 0
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_naming_the_schema_when_the_database_is_behind_the_migrations(
    app, client, runner
):
    runner.invoke(args=["worker", "--once"])
    with app.app_context():
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '89178c6b9a82'"))
        db.session.commit()
        try:
            response = client.get("/readyz")
        finally:
            db.session.execute(
                sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
            db.session.commit()
    assert response.status_code == 503
    assert response.json["not_ready"] == ["schema"]
    assert "db upgrade" in response.json["checks"]["schema"]


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-4f2a.17"})
    assert response.headers["X-Request-ID"] == "edge-4f2a.17"


def test_a_request_id_that_is_not_a_sane_token_is_replaced_by_a_new_one(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script> and more"})
    assert response.headers["X-Request-ID"] not in ("", "<script> and more")
    assert response.headers["X-Request-ID"].isalnum()


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/subprocessors"), client.get("/subprocessors")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_email_addresses_are_redacted_anywhere_in_a_log_event():
    event = {
        "event": "sent to dpo@customer.example",
        "path": "/unsubscribe/anne.o'neil+x@example.co.uk?to=bob@example.org",
        "nested": {"to": ["b@example.com"], "count": 2},
    }
    assert redact_emails(None, "info", event) == {
        "event": "sent to d***@customer.example",
        "path": "/unsubscribe/a***@example.co.uk?to=b***@example.org",
        "nested": {"to": ["b***@example.com"], "count": 2},
    }


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_scrape_without_the_token(metered):
    response = metered.test_client().get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_metrics_count_the_queued_emails(metered):
    with metered.app_context():
        subscriptions.subscribe("reader@customer.example", "en", [])
        db.session.commit()
    assert 'registry_outbox_queued_messages{channel="email"} 1.0' in scrape(metered)


def test_metrics_time_requests_by_endpoint_not_by_path(metered):
    metered.test_client().get("/subprocessors/12345")
    text = scrape(metered)
    assert 'endpoint="public.subprocessor"' in text
    assert "12345" not in text


def test_metrics_count_the_transfers_needing_attention(metered, runner):
    runner.invoke(args=["demo", "load"])
    lines = scrape(metered).splitlines()
    line = next(line for line in lines if line.startswith('registry_transfers{verdict="needs'))
    assert float(line.split()[-1]) > 0


def test_metrics_cannot_be_enabled_without_a_token():
    with pytest.raises(ConfigurationError, match="METRICS_TOKEN"):
        from_environment({"METRICS_ENABLED": "true"})


def test_an_unknown_log_format_stops_the_start():
    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        from_environment({"LOG_FORMAT": "xml"})
