"""The database away for a moment: a connection the server dropped is replaced before a request
uses it, and while the database cannot be reached every page says so with a 503, for a
logged-in user too, without needing the database to say it."""

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.extensions import db
from tests import conftest
from tests.contract import ContractClient
from tests.smtp import free_port
from tests.web import log_in

AWAY_MESSAGE = "database cannot be reached; try again in a minute."


@pytest.fixture
def app_connections(app):
    """The server's process ids of the connections the application opens (PostgreSQL only):
    the ones a test may end, leaving every other session on the server alone."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("only a database server drops connections")
    pids = []

    def remember(dbapi_connection, _connection_record):
        pids.append(dbapi_connection.info.backend_pid)

    sa.event.listen(engine, "connect", remember)
    yield pids
    sa.event.remove(engine, "connect", remember)


def end_connections(database_uri: str, pids: list[int]) -> None:
    """End those connections from the server's side, as a restart of PostgreSQL does."""
    server = sa.create_engine(database_uri)
    try:
        with server.connect() as connection:
            ended = connection.execute(
                sa.text("SELECT pg_terminate_backend(pid, 5000) FROM unnest(:pids) AS pid"),
                {"pids": pids},
            ).scalars()
            assert all(ended)
    finally:
        server.dispose()


@pytest.fixture
def away(app, migrated_database, tmp_path):
    """The application as production runs it (not in testing mode), with a database that cannot
    be reached: nothing listens at its address, or its folder does not exist."""
    url = sa.make_url(migrated_database)
    if url.get_backend_name() == "postgresql":
        unreachable = url.set(host="127.0.0.1", port=free_port()).render_as_string(False)
    else:
        unreachable = f"sqlite:///{tmp_path / 'gone' / 'registry.sqlite3'}"
    away = create_app(conftest.test_config(unreachable) | {"TESTING": False})
    away.test_client_class = ContractClient  # its 503 is the documented one
    yield away
    with away.app_context():
        db.engine.dispose()


def logged_in_cookie(app, client, make_user) -> str:
    make_user(email="dpo@example.com")
    assert log_in(client, "dpo@example.com").status_code == 302
    return client.get_cookie("session").value


def test_the_first_request_after_the_server_ended_the_connections_is_answered(
    app, client, app_connections, migrated_database
):
    assert client.get("/subprocessors").status_code == 200
    end_connections(migrated_database, app_connections)
    assert client.get("/subprocessors").status_code == 200


def test_while_the_database_is_away_a_page_is_a_503_saying_to_try_again_in_a_minute(away):
    response = away.test_client().get("/subprocessors")
    assert response.status_code == 503
    assert AWAY_MESSAGE in response.text
    assert "Traceback" not in response.text


def test_while_the_database_is_away_a_logged_in_user_gets_the_page_not_a_bare_error(
    app, client, make_user, away
):
    cookie = logged_in_cookie(app, client, make_user)
    user = away.test_client()
    user.set_cookie("session", cookie)
    response = user.get("/admin/")
    assert response.status_code == 503
    assert AWAY_MESSAGE in response.text


def test_while_the_database_is_away_the_api_answers_503_in_json(away):
    response = away.test_client().get("/api/v1/subprocessors")
    assert response.status_code == 503
    assert response.get_json()["error"]["message"] == (
        "The register's database cannot be reached; try again in a minute."
    )


def test_while_the_database_is_away_clients_are_told_to_try_again_in_a_minute(away):
    response = away.test_client().get("/subprocessors")
    assert response.headers["Retry-After"] == "60"


def test_while_the_database_is_away_readyz_is_503_naming_the_database(away):
    response = away.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["not_ready"] == ["database"]
