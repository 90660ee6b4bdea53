import os
import stat

import pytest

from registry import create_app
from registry.config import ConfigurationError
from registry.extensions import db

VARIABLES = (
    "SECRET_KEY",
    "AUDIT_KEY",
    "DATABASE_URL",
    "ORG_NAME",
    "DPO_EMAIL",
    "ORG_TIMEZONE",
    "NOTICE_WINDOW_DAYS",
    "NOTICE_WINDOW_MIN_DAYS",
    "SESSION_COOKIE_SECURE",
    "PROXY_HOPS",
    "PUBLIC_URL",
    "MAIL_FROM",
    "MAIL_SMTP_HOST",
    "MAIL_SMTP_PORT",
    "MAIL_SMTP_SECURITY",
    "PUBLISH_VERDICTS",
    "OUTBOX_LEASE_SECONDS",
    "CHAIN_CHECK_INTERVAL_HOURS",
)


@pytest.fixture
def environment(monkeypatch, tmp_path, migrated_database):
    """A clean environment whose instance folder is a temporary one."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    return monkeypatch


@pytest.fixture
def start_app(environment):
    """`create_app()` as `make run` calls it; the apps' connections are closed after the test."""
    apps = []

    def start_app():
        apps.append(create_app())
        return apps[-1]

    yield start_app
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_without_secret_key_one_is_generated_into_the_instance_folder(
    environment, start_app, tmp_path
):
    app = start_app()
    key_file = tmp_path / "instance" / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text()
    assert len(app.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_the_generated_secret_key_is_kept_across_starts(environment, start_app):
    assert start_app().config["SECRET_KEY"] == start_app().config["SECRET_KEY"]


def test_secret_key_from_the_environment_is_used_and_nothing_written(
    environment, start_app, tmp_path
):
    environment.setenv("SECRET_KEY", "from-the-environment")
    assert start_app().config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_without_audit_key_one_is_generated_into_the_instance_folder(
    environment, start_app, tmp_path
):
    app = start_app()
    key_file = tmp_path / "instance" / "audit_key"
    assert app.config["AUDIT_KEY"] == key_file.read_text()
    assert app.config["AUDIT_KEY"] != app.config["SECRET_KEY"]
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert start_app().config["AUDIT_KEY"] == app.config["AUDIT_KEY"]


def test_audit_key_from_the_environment_is_used_and_nothing_written(
    environment, start_app, tmp_path
):
    environment.setenv("AUDIT_KEY", "from-the-environment")
    assert start_app().config["AUDIT_KEY"] == "from-the-environment"
    assert not (tmp_path / "instance" / "audit_key").exists()


def test_defaults_are_the_organisation_dpo_time_zone_and_a_30_day_window(environment, start_app):
    config = start_app().config
    assert config["DPO_EMAIL"] == "dpo@mixvoip.com"
    assert config["ORG_TIMEZONE"] == "Europe/Luxembourg"
    assert config["NOTICE_WINDOW_DAYS"] == 30


def test_by_default_no_window_shorter_than_the_default_is_allowed(environment, start_app):
    assert start_app().config["NOTICE_WINDOW_MIN_DAYS"] is None


def test_the_shortest_window_is_read_from_the_environment(environment, start_app):
    environment.setenv("NOTICE_WINDOW_MIN_DAYS", "14")
    assert start_app().config["NOTICE_WINDOW_MIN_DAYS"] == 14


def test_the_shortest_window_cannot_exceed_the_default_window_set_beside_it(environment, start_app):
    environment.setenv("NOTICE_WINDOW_DAYS", "10")
    environment.setenv("NOTICE_WINDOW_MIN_DAYS", "14")
    with pytest.raises(ConfigurationError, match="NOTICE_WINDOW_MIN_DAYS: '14' is longer than"):
        start_app()


def test_settings_are_read_from_the_environment(environment, start_app):
    environment.setenv("ORG_NAME", "Example Telecom")
    environment.setenv("DPO_EMAIL", "privacy@example.com")
    environment.setenv("ORG_TIMEZONE", "Europe/Brussels")
    environment.setenv("NOTICE_WINDOW_DAYS", "45")
    config = start_app().config
    assert (config["ORG_NAME"], config["DPO_EMAIL"]) == ("Example Telecom", "privacy@example.com")
    assert (config["ORG_TIMEZONE"], config["NOTICE_WINDOW_DAYS"]) == ("Europe/Brussels", 45)


def test_a_worker_s_batch_is_leased_for_a_minute_by_default(environment, start_app):
    assert start_app().config["OUTBOX_LEASE_SECONDS"] == 60


def test_the_outbox_lease_is_read_from_the_environment(environment, start_app):
    environment.setenv("OUTBOX_LEASE_SECONDS", "120")
    assert start_app().config["OUTBOX_LEASE_SECONDS"] == 120


def test_verdicts_are_not_published_by_default(environment, start_app):
    assert start_app().config["PUBLISH_VERDICTS"] is False


def test_publish_verdicts_true_publishes_them(environment, start_app):
    environment.setenv("PUBLISH_VERDICTS", "true")
    assert start_app().config["PUBLISH_VERDICTS"] is True


def test_the_organisation_name_shows_on_the_page(environment, start_app):
    environment.setenv("ORG_NAME", "Example Telecom")
    page = start_app().test_client().get("/subprocessors").text
    assert "Example Telecom engages the subprocessors below" in page


def test_a_postgres_url_is_reached_through_psycopg(environment, start_app):
    environment.setenv("DATABASE_URL", "postgres://user@db.internal/registry")
    app = start_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@db.internal/registry"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NOTICE_WINDOW_DAYS", "thirty", "NOTICE_WINDOW_DAYS: 'thirty' is not a whole number"),
        ("NOTICE_WINDOW_DAYS", "0", "NOTICE_WINDOW_DAYS: '0' is not a whole number of days of 1"),
        ("NOTICE_WINDOW_MIN_DAYS", "0", "NOTICE_WINDOW_MIN_DAYS: '0' is not a whole number of"),
        ("NOTICE_WINDOW_MIN_DAYS", "two", "NOTICE_WINDOW_MIN_DAYS: 'two' is not a whole number"),
        ("NOTICE_WINDOW_MIN_DAYS", "31", "NOTICE_WINDOW_MIN_DAYS: '31' is longer than the default"),
        ("ORG_TIMEZONE", "Europe/Atlantis", "ORG_TIMEZONE: 'Europe/Atlantis' is not an IANA"),
        ("DPO_EMAIL", "dpo-at-example", "DPO_EMAIL: 'dpo-at-example' is not an email address"),
        ("SESSION_COOKIE_SECURE", "maybe", "SESSION_COOKIE_SECURE: 'maybe' is neither true nor"),
        ("PROXY_HOPS", "one", "PROXY_HOPS: 'one' is not a whole number of 0 or more"),
        ("PUBLISH_VERDICTS", "sometimes", "PUBLISH_VERDICTS: 'sometimes' is neither true nor"),
        ("PUBLIC_URL", "registry.example", "PUBLIC_URL: 'registry.example' is not the address"),
        ("MAIL_FROM", "noreply", "MAIL_FROM: 'noreply' is not an email address"),
        ("MAIL_SMTP_PORT", "70000", "MAIL_SMTP_PORT: '70000' is not a port number"),
        ("MAIL_SMTP_SECURITY", "ssl", "MAIL_SMTP_SECURITY: 'ssl' is not one of starttls, tls"),
        ("OUTBOX_LEASE_SECONDS", "a minute", "OUTBOX_LEASE_SECONDS: 'a minute' is not a whole"),
        ("OUTBOX_LEASE_SECONDS", "10", "OUTBOX_LEASE_SECONDS: '10' is below 30 seconds"),
        ("CHAIN_CHECK_INTERVAL_HOURS", "daily", "CHAIN_CHECK_INTERVAL_HOURS: 'daily' is not a"),
        ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL: '127.0.0.1:6379' is not a Redis address"),
        ("CACHE_SECONDS", "a minute", "CACHE_SECONDS: 'a minute' is not a whole number"),
    ],
)
def test_a_bad_setting_stops_the_app_naming_the_variable(
    environment, start_app, variable, value, message
):
    environment.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=message):
        start_app()


def test_behind_a_proxy_the_forwarded_client_address_is_used(environment, start_app):
    environment.setenv("PROXY_HOPS", "1")
    app = start_app()

    @app.get("/_address_for_test")
    def address():
        from flask import request

        return request.remote_addr

    response = app.test_client().get(
        "/_address_for_test", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert response.text == "203.0.113.9"


def test_emails_come_from_the_dpo_unless_mail_from_is_set(environment, start_app):
    assert start_app().config["MAIL_FROM"] == "dpo@mixvoip.com"
    environment.setenv("MAIL_FROM", "noreply@mixvoip.com")
    assert start_app().config["MAIL_FROM"] == "noreply@mixvoip.com"


def test_the_rate_limits_key_prefix_is_read_from_the_environment(environment, start_app):
    environment.setenv("RATELIMIT_KEY_PREFIX", "registry-staging")
    assert start_app().config["RATELIMIT_KEY_PREFIX"] == "registry-staging"
