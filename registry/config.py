"""Configuration from environment variables, with safe local defaults.

Each variable is documented in the README. A bad value stops the application at start with a message
naming the variable, rather than surfacing later as a wrong deadline or a broken page.
"""

import contextlib
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from registry.database import database_url

SECRET_KEY_FILE = "secret_key"
AUDIT_KEY_FILE = "audit_key"
NOTICE_WINDOW_DAYS = 30
# The largest request body: the longest form (an assessment) is well below it.
MAX_CONTENT_LENGTH = 1024 * 1024
# A smaller limit would refuse the forms themselves.
SMALLEST_CONTENT_LENGTH = 64 * 1024
OUTBOX_LEASE_SECONDS = 60
# A worker renews its lease between messages; a shorter lease than one slow mail server's
# command takes (SMTP commands time out after 30 s) would let a second worker send the
# message in flight again.
SHORTEST_OUTBOX_LEASE_SECONDS = 30
WEBHOOK_DISABLE_AFTER_FAILURES = 10
WEBHOOK_ROTATION_OVERLAP_HOURS = 24
# The worker begins a loop every few seconds; a round that delivers 10,000 emails or reads the
# subprocessors' lists takes longer. Older than this, /readyz says the worker is not running.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 120
# A token Prometheus sends with each scrape: long enough that guessing it is hopeless.
SHORTEST_METRICS_TOKEN = 16
# A page of a large register weighs megabytes: a few hundred of them fit in a worker's memory.
CACHE_ENTRIES = 256
CACHE_SECONDS = 60
# Rows of /subprocessors and /transfers per page: a page of 50 weighs about 120 KB.
REGISTER_PAGE_SIZE = 50


class ConfigurationError(RuntimeError):
    """An environment variable holds a value the registry cannot run with."""


def defaults(instance_path: str) -> dict:
    """The settings used where the environment says nothing."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'registry.sqlite3'}",
        # A pooled connection is tested as it is taken (one round trip) and replaced if the
        # server dropped it, by a restart say: the first request after is answered, not a 500.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "ORG_NAME": "Mixvoip",
        "DPO_EMAIL": "dpo@mixvoip.com",
        "ORG_TIMEZONE": "Europe/Luxembourg",
        "NOTICE_WINDOW_DAYS": NOTICE_WINDOW_DAYS,
        # The shortest window a contract term lets us give; None: never shorter than the default.
        "NOTICE_WINDOW_MIN_DAYS": None,
        # Subscribers are reminded this many days before an objection deadline; 0: never.
        "NOTICE_REMINDER_DAYS": 7,
        # How passwords are hashed (werkzeug.security); the tests set a cheap one, since their
        # speed is not what they test.
        "PASSWORD_HASH_METHOD": "scrypt",
        "LANGUAGES": {"en": "English", "de": "Deutsch", "fr": "Français"},
        "BABEL_DEFAULT_LOCALE": "en",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "RATELIMIT_STORAGE_URI": "memory://",
        # The public answers kept (registry.response_cache): in this process, at most this many;
        # in Redis, shared by every process, when REDIS_URL names one.
        "CACHE_ENTRIES": CACHE_ENTRIES,
        "REDIS_URL": None,
        "CACHE_KEY_PREFIX": "registry:answer:",
        # How long a browser, proxy or CDN may keep a public answer before asking again.
        "CACHE_SECONDS": CACHE_SECONDS,
        # The public register's pages list this many rows each; the CSV and the API list all.
        "REGISTER_PAGE_SIZE": REGISTER_PAGE_SIZE,
        # Said for every app: the one Limiter keeps the last app's setting as its own default.
        "RATELIMIT_ENABLED": True,
        "PROXY_HOPS": 0,
        # Verdicts and their reasons are for the provider's team: the public sees facts only.
        "PUBLISH_VERDICTS": False,
        "RATELIMIT_HEADERS_ENABLED": True,
        # A larger body is refused with 413 before any form reads it.
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        # Where the links in emails point; the worker has no request to take it from.
        "PUBLIC_URL": "http://127.0.0.1:5000",
        # From: address of the emails; the DPO's address unless MAIL_FROM says otherwise.
        "MAIL_FROM": None,
        # No host: emails are written as .eml files to instance/mail/.
        "MAIL_SMTP_HOST": None,
        "MAIL_SMTP_PORT": 587,
        "MAIL_SMTP_SECURITY": "starttls",
        "MAIL_SMTP_USERNAME": None,
        "MAIL_SMTP_PASSWORD": None,
        # SMTP connections a worker delivers over side by side (a real MTA takes several).
        "MAIL_SMTP_CONNECTIONS": 1,
        "OUTBOX_BATCH_SIZE": 500,
        # How long a claimed batch stays a worker's own: a worker that dies leaves it this long.
        "OUTBOX_LEASE_SECONDS": OUTBOX_LEASE_SECONDS,
        "OUTBOX_MAX_ATTEMPTS": 10,
        # Hours between the worker's checks of the subprocessors' own lists; 0: never (the
        # operator runs `flask --app wsgi chain check`).
        "CHAIN_CHECK_INTERVAL_HOURS": 0,
        # Webhooks (registry.outbox.channels.webhook): an endpoint is disabled after this many
        # failed attempts in a row, and its customer's contacts are told.
        "WEBHOOK_DISABLE_AFTER_FAILURES": WEBHOOK_DISABLE_AFTER_FAILURES,
        # After a secret is rotated, deliveries are signed with the old one too for this long.
        "WEBHOOK_ROTATION_OVERLAP_HOURS": WEBHOOK_ROTATION_OVERLAP_HOURS,
        # Endpoints on private, loopback or link-local addresses (and plain http to loopback):
        # for the tests' local receiver only, never in production (SSRF).
        "WEBHOOK_ALLOW_PRIVATE_NETWORK": False,
        # "text": the readable lines of today; "json": a JSON object a line, with request ids
        # and no email address whole (registry.operations.logs).
        "LOG_FORMAT": "text",
        # /metrics answers 404 unless enabled, and then only with the token as a bearer.
        "METRICS_ENABLED": False,
        "METRICS_TOKEN": None,
        # 0: /readyz does not look at the worker's heartbeat.
        "WORKER_HEARTBEAT_MAX_AGE_SECONDS": WORKER_HEARTBEAT_MAX_AGE_SECONDS,
    }


def from_environment(environ: Mapping[str, str]) -> dict:
    """The settings the environment sets, parsed and checked.

    Raises ConfigurationError naming the variable whose value cannot be used.
    """
    settings: dict = {}
    if environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("AUDIT_KEY"):
        settings["AUDIT_KEY"] = environ["AUDIT_KEY"]
    if environ.get("SIGNING_KEY", "").strip():
        settings["SIGNING_KEY"] = _signing_key("SIGNING_KEY", environ["SIGNING_KEY"])
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url(environ["DATABASE_URL"])
    if environ.get("ORG_NAME", "").strip():
        settings["ORG_NAME"] = environ["ORG_NAME"].strip()
    if environ.get("DPO_EMAIL"):
        settings["DPO_EMAIL"] = _email("DPO_EMAIL", environ["DPO_EMAIL"])
    if environ.get("ORG_TIMEZONE"):
        settings["ORG_TIMEZONE"] = _time_zone("ORG_TIMEZONE", environ["ORG_TIMEZONE"])
    if environ.get("NOTICE_WINDOW_DAYS"):
        settings["NOTICE_WINDOW_DAYS"] = _days("NOTICE_WINDOW_DAYS", environ["NOTICE_WINDOW_DAYS"])
    if environ.get("NOTICE_WINDOW_MIN_DAYS"):
        settings["NOTICE_WINDOW_MIN_DAYS"] = _shortest_window(
            "NOTICE_WINDOW_MIN_DAYS",
            environ["NOTICE_WINDOW_MIN_DAYS"],
            settings.get("NOTICE_WINDOW_DAYS", NOTICE_WINDOW_DAYS),
        )
    if environ.get("NOTICE_REMINDER_DAYS"):
        settings["NOTICE_REMINDER_DAYS"] = _count(
            "NOTICE_REMINDER_DAYS", environ["NOTICE_REMINDER_DAYS"]
        )
    if environ.get("PROXY_HOPS"):
        settings["PROXY_HOPS"] = _count("PROXY_HOPS", environ["PROXY_HOPS"])
    if environ.get("MAX_CONTENT_LENGTH"):
        settings["MAX_CONTENT_LENGTH"] = _body_limit(
            "MAX_CONTENT_LENGTH", environ["MAX_CONTENT_LENGTH"]
        )
    if environ.get("REDIS_URL"):
        settings["REDIS_URL"] = _redis_url("REDIS_URL", environ["REDIS_URL"])
    if environ.get("CACHE_KEY_PREFIX", "").strip():
        settings["CACHE_KEY_PREFIX"] = environ["CACHE_KEY_PREFIX"].strip()
    for variable in ("CACHE_ENTRIES", "CACHE_SECONDS"):
        if environ.get(variable):
            settings[variable] = _count(variable, environ[variable])
    if environ.get("REGISTER_PAGE_SIZE"):
        settings["REGISTER_PAGE_SIZE"] = _page_size(environ["REGISTER_PAGE_SIZE"])
    if environ.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = environ["RATELIMIT_STORAGE_URI"]
    if environ.get("RATELIMIT_KEY_PREFIX", "").strip():
        # Two installations counting in one Redis would otherwise share each client's limits.
        settings["RATELIMIT_KEY_PREFIX"] = environ["RATELIMIT_KEY_PREFIX"].strip()
    if environ.get("PUBLIC_URL"):
        settings["PUBLIC_URL"] = _public_url("PUBLIC_URL", environ["PUBLIC_URL"])
    if environ.get("MAIL_FROM"):
        settings["MAIL_FROM"] = _email("MAIL_FROM", environ["MAIL_FROM"])
    if environ.get("MAIL_SMTP_HOST"):
        settings["MAIL_SMTP_HOST"] = environ["MAIL_SMTP_HOST"].strip()
    if environ.get("MAIL_SMTP_PORT"):
        settings["MAIL_SMTP_PORT"] = _port("MAIL_SMTP_PORT", environ["MAIL_SMTP_PORT"])
    if environ.get("MAIL_SMTP_SECURITY"):
        settings["MAIL_SMTP_SECURITY"] = _choice(
            "MAIL_SMTP_SECURITY", environ["MAIL_SMTP_SECURITY"], ("starttls", "tls", "none")
        )
    if environ.get("MAIL_SMTP_CONNECTIONS"):
        settings["MAIL_SMTP_CONNECTIONS"] = _positive(
            "MAIL_SMTP_CONNECTIONS", environ["MAIL_SMTP_CONNECTIONS"]
        )
    for variable in ("MAIL_SMTP_USERNAME", "MAIL_SMTP_PASSWORD"):
        if environ.get(variable):
            settings[variable] = environ[variable]
    if environ.get("OUTBOX_LEASE_SECONDS"):
        settings["OUTBOX_LEASE_SECONDS"] = _lease_seconds(
            "OUTBOX_LEASE_SECONDS", environ["OUTBOX_LEASE_SECONDS"]
        )
    if environ.get("CHAIN_CHECK_INTERVAL_HOURS"):
        settings["CHAIN_CHECK_INTERVAL_HOURS"] = _count(
            "CHAIN_CHECK_INTERVAL_HOURS", environ["CHAIN_CHECK_INTERVAL_HOURS"]
        )
    for variable in ("WEBHOOK_DISABLE_AFTER_FAILURES", "WEBHOOK_ROTATION_OVERLAP_HOURS"):
        if environ.get(variable):
            settings[variable] = _positive(variable, environ[variable])
    if environ.get("WEBHOOK_ALLOW_PRIVATE_NETWORK"):
        settings["WEBHOOK_ALLOW_PRIVATE_NETWORK"] = _flag(
            "WEBHOOK_ALLOW_PRIVATE_NETWORK", environ["WEBHOOK_ALLOW_PRIVATE_NETWORK"]
        )
    if environ.get("LOG_FORMAT"):
        settings["LOG_FORMAT"] = _choice("LOG_FORMAT", environ["LOG_FORMAT"], ("text", "json"))
    settings.update(_metrics(environ))
    if environ.get("WORKER_HEARTBEAT_MAX_AGE_SECONDS"):
        settings["WORKER_HEARTBEAT_MAX_AGE_SECONDS"] = _count(
            "WORKER_HEARTBEAT_MAX_AGE_SECONDS", environ["WORKER_HEARTBEAT_MAX_AGE_SECONDS"]
        )
    if environ.get("PUBLISH_VERDICTS"):
        settings["PUBLISH_VERDICTS"] = _flag("PUBLISH_VERDICTS", environ["PUBLISH_VERDICTS"])
    if environ.get("SESSION_COOKIE_SECURE"):
        settings["SESSION_COOKIE_SECURE"] = _flag(
            "SESSION_COOKIE_SECURE", environ["SESSION_COOKIE_SECURE"]
        )
    return settings


def _metrics(environ: Mapping[str, str]) -> dict:
    if not environ.get("METRICS_ENABLED") or not _flag(
        "METRICS_ENABLED", environ["METRICS_ENABLED"]
    ):
        return {}
    token = environ.get("METRICS_TOKEN", "").strip()
    if len(token) < SHORTEST_METRICS_TOKEN:
        raise ConfigurationError(
            f"METRICS_TOKEN: set a token of at least {SHORTEST_METRICS_TOKEN} characters for "
            "METRICS_ENABLED (Prometheus sends it as a bearer token), such as the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return {"METRICS_ENABLED": True, "METRICS_TOKEN": token}


def key_from_instance(
    instance_path: str, file_name: str, make: Callable[[], str] = lambda: secrets.token_hex(32)
) -> str:
    """The key kept in that file of the instance folder, made by `make` on first use (readable
    by its owner only)."""
    path = Path(instance_path) / file_name
    if not path.exists():
        # Written aside, then linked into place: a second process starting at the same moment
        # either wins the link or reads the complete key of the one that did.
        draft = path.with_name(f".{file_name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(make())
        with contextlib.suppress(FileExistsError):  # the other process's key is the one
            try:
                os.link(draft, path)
            finally:
                draft.unlink()
    return path.read_text().strip()


def _signing_key(variable: str, value: str) -> str:
    from registry.history.signing import load_private_pem

    # A PEM in one line, as some deployment tools keep variables, with "\n" for its line breaks.
    value = value.replace("\\n", "\n")
    try:
        load_private_pem(value)
    except ValueError as error:
        raise ConfigurationError(
            f"{variable} must be an Ed25519 private key in PKCS#8 PEM ({error}); "
            "make one with: openssl genpkey -algorithm ed25519"
        ) from None
    return value.strip()


def _email(variable: str, value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ConfigurationError(
            f"{variable}: {value!r} is not an email address ({error})"
        ) from None


def _time_zone(variable: str, value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{variable}: {value!r} is not an IANA time zone such as Europe/Luxembourg"
        ) from None
    return value


def _public_url(variable: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            f"{variable}: {value!r} is not the address the registry is served at, "
            "such as https://subprocessors.example.com"
        )
    return value.strip().rstrip("/")


def _redis_url(variable: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
        raise ConfigurationError(
            f"{variable}: {value!r} is not a Redis address, such as redis://127.0.0.1:6379/0"
        )
    return value.strip()


def _port(variable: str, value: str) -> int:
    port = _count(variable, value)
    if not 1 <= port <= 65535:
        raise ConfigurationError(f"{variable}: {value!r} is not a port number from 1 to 65535")
    return port


def _choice(variable: str, value: str, choices: tuple[str, ...]) -> str:
    answer = value.strip().lower()
    if answer not in choices:
        raise ConfigurationError(f"{variable}: {value!r} is not one of {', '.join(choices)}")
    return answer


def _count(variable: str, value: str) -> int:
    if not value.strip().isdigit():
        raise ConfigurationError(f"{variable}: {value!r} is not a whole number of 0 or more")
    return int(value)


def _page_size(value: str) -> int:
    size = _count("REGISTER_PAGE_SIZE", value)
    if size < 1:
        raise ConfigurationError(f"REGISTER_PAGE_SIZE: {value!r} is not a number of rows from 1")
    return size


def _body_limit(variable: str, value: str) -> int:
    limit = _count(variable, value)
    if limit < SMALLEST_CONTENT_LENGTH:
        raise ConfigurationError(
            f"{variable}: {value!r} is below {SMALLEST_CONTENT_LENGTH} bytes, too small for "
            "the registry's own forms"
        )
    return limit


def _lease_seconds(variable: str, value: str) -> int:
    seconds = _count(variable, value)
    if seconds < SHORTEST_OUTBOX_LEASE_SECONDS:
        raise ConfigurationError(
            f"{variable}: {value!r} is below {SHORTEST_OUTBOX_LEASE_SECONDS} seconds: a slow mail "
            "server would see a message in flight taken over and sent twice"
        )
    return seconds


def _positive(variable: str, value: str) -> int:
    if _count(variable, value) < 1:
        raise ConfigurationError(f"{variable}: {value!r} is not a whole number of 1 or more")
    return int(value)


def _flag(variable: str, value: str) -> bool:
    answer = value.strip().lower()
    if answer in ("1", "true", "yes", "on"):
        return True
    if answer in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{variable}: {value!r} is neither true nor false")


def _days(variable: str, value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise ConfigurationError(
            f"{variable}: {value!r} is not a whole number of days of 1 or more"
        )
    return days


def _shortest_window(variable: str, value: str, default_window: int) -> int:
    # The window is the customers' right to object in advance (GDPR Art. 28(2); SCC clause
    # 9(a)): it is shortened only as far as their contracts allow, never beyond the default.
    days = _days(variable, value)
    if days > default_window:
        raise ConfigurationError(
            f"{variable}: {value!r} is longer than the default window of {default_window} days "
            "(NOTICE_WINDOW_DAYS); the shortest window cannot exceed it"
        )
    return days
