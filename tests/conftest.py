"""Fixtures: an application per test on a database migrated once per run, cleared after each test.

The suite runs on SQLite by default. With DATABASE_URL set to a PostgreSQL database it runs there,
in a schema of its own made for this run and dropped after it, so two runs never collide and no
existing table is touched.
"""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from registry import accounts, create_app
from registry.database import database_url
from registry.extensions import db
from registry.history.signing import new_private_pem
from registry.models.accounts import Role
from registry.models.audit import GENESIS_HASH, AuditHead
from tests.contract import ContractClient
from tests.web import PASSWORD, log_in

pytest_plugins = ["tests.factories"]


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('database') / 'registry.sqlite3'}"
        return
    url = sa.make_url(database_url(url))
    if url.get_backend_name() != "postgresql":
        pytest.exit(
            f"DATABASE_URL must be SQLite or PostgreSQL for the tests, not {url.drivername}"
        )
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(database_uri, tmp_path_factory):
    """The database, brought to the newest schema by the migrations, exactly as `make run` does."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        app = create_app(test_config(database_uri))
        with app.app_context():
            upgrade()
            db.engine.dispose()
    return database_uri


@pytest.fixture
def app(migrated_database, tmp_path, monkeypatch):
    """The application, with no context pushed: each request gets its own, as in production."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(test_config(migrated_database))
    app.test_client_class = ContractClient  # every API answer held to the OpenAPI document
    yield app
    with app.app_context():
        _clear(db.engine)
        db.engine.dispose()


@pytest.fixture
def app_context(app):
    """An application context for a test that works on the database directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_statements(app):
    """Returns a counter of the SQL statements sent while it is used as a context manager."""
    with app.app_context():
        engine = db.engine

    class StatementCounter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            sa.event.listen(engine, "before_cursor_execute", self._count)
            return self

        def __exit__(self, *exc_info):
            sa.event.remove(engine, "before_cursor_execute", self._count)

        def _count(self, *args):
            self.count += 1

    return StatementCounter


# One signing key for the whole run: the snapshots' signatures, as the tests verify them.
SIGNING_KEY = new_private_pem()


def test_config(database_uri: str) -> dict:
    return {
        "SIGNING_KEY": SIGNING_KEY,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "AUDIT_KEY": "test-audit-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        # Every test logs someone in: scrypt's cost would be most of the suite's time.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The factories write rows without an audit event, so without advancing the register's
        # version as every write of the app does: a kept answer would hide them. No answer is
        # kept here (all else of the cache runs); tests/registry/test_response_cache.py keeps them.
        "CACHE_ENTRIES": 0,
    }


def _clear(engine: sa.Engine) -> None:
    """Empty every table, and set the audit chain back to its start, as the migration left it."""
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
        connection.execute(
            sa.insert(AuditHead).values(id=1, last_event_id=0, last_hash=GENESIS_HASH)
        )


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "database: SQLite, a temporary file for this run"
    rendered = sa.make_url(database_url(url)).render_as_string(hide_password=True)
    return f"database: PostgreSQL at {rendered}, in a schema made for this run"


@pytest.fixture
def clock(app):
    """The application's clock, stopped at an instant the test moves: nothing sleeps."""
    from datetime import UTC, datetime, timedelta

    class Clock:
        def __init__(self):
            self.instant = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

        def __call__(self):
            return self.instant

        def move(self, **delta):
            self.instant += timedelta(**delta)

    stopped = Clock()
    app.config["CLOCK"] = stopped
    return stopped


@pytest.fixture
def make_user(app):
    def make_user(email="dpo@example.com", role=Role.ADMIN, password=PASSWORD):
        with app.app_context():
            user = accounts.create_user(email, password, role, actor="test")
            db.session.commit()
            return user.id

    return make_user


@pytest.fixture
def team(app, make_user):
    """A client logged in as a viewer: the API gives it the verdicts, which the public does not
    see by default."""
    make_user(email="viewer@example.com", role=Role.VIEWER)
    client = app.test_client()
    log_in(client, "viewer@example.com")
    return client


@pytest.fixture
def logged_in(client, make_user):
    def logged_in(role: Role):
        make_user(email=f"{role.value}@example.com", role=role)
        assert log_in(client, f"{role.value}@example.com").status_code == 302
        return client

    return logged_in
