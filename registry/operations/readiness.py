"""Whether this process can answer for real (`/readyz`): the database answers, its schema is
the migrations' head, and a worker has reported recently."""

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from registry.extensions import MIGRATIONS_DIRECTORY, db
from registry.operations import heartbeat


@dataclass
class Readiness:
    """Each check's finding, and the names of those that do not hold."""

    checks: dict[str, str] = field(default_factory=dict)
    not_ready: list[str] = field(default_factory=list)

    def found(self, check: str, holds: bool, finding: str) -> None:
        self.checks[check] = finding
        if not holds:
            self.not_ready.append(check)


def readiness() -> Readiness:
    """Check the database, then (if it answered) the schema and the worker's heartbeat."""
    found = Readiness()
    try:
        current = _current_revisions()
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        found.found("database", False, f"not reachable: {_kind(error)}")
        return found
    found.found("database", True, "reachable")
    head = migration_heads()
    if current == head:
        found.found("schema", True, f"at head {', '.join(sorted(head))}")
    else:
        found.found(
            "schema",
            False,
            f"at {', '.join(sorted(current)) or 'no revision'}, "
            f"not at head {', '.join(sorted(head))}: run flask --app wsgi db upgrade",
        )
    _check_worker(found)
    db.session.rollback()
    return found


def _current_revisions() -> set[str]:
    # Read directly: alembic's MigrationContext would log two lines at each probe.
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
        if not sa.inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


@functools.cache
def migration_heads() -> set[str]:
    """The head revisions of the migrations this code carries (read once per process: they do
    not change while it runs)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIRECTORY)
    return set(ScriptDirectory.from_config(config).get_heads())


def _check_worker(found: Readiness) -> None:
    largest = current_app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"]
    if not largest:
        found.checks["worker"] = "not checked (WORKER_HEARTBEAT_MAX_AGE_SECONDS=0)"
        return
    try:
        age = heartbeat.newest_age()
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        found.found("worker", False, f"heartbeat not readable: {_kind(error)}")
        return
    if age is None:
        found.found("worker", False, "no worker has reported yet")
        return
    seconds = max(int(age.total_seconds()), 0)
    found.found(
        "worker",
        seconds <= largest,
        f"last heartbeat {seconds} s ago (at most {largest} s)",
    )


def _kind(error: sa.exc.SQLAlchemyError) -> str:
    # The driver's exception names the cause (OperationalError: refused, timed out); its text
    # may hold the server's address and user, which an unauthenticated probe must not show.
    return type(getattr(error, "orig", None) or error).__name__
