"""The database: the URL it is reached at, the declarative base and the shared column types."""

import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Annotated

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column
from werkzeug.routing import IntegerConverter


def database_url(url: str) -> str:
    """`url` with PostgreSQL reached through psycopg 3, whichever spelling of the scheme it uses."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


@sa.event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _connection_record) -> None:
    # SQLite enforces foreign keys only when asked, per connection. Several processes share the
    # file (web workers, the command line), so readers must not block the writer (WAL) and a
    # writer waits for a lock rather than failing at once.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
        # The driver's own BEGIN is deferred: two requests read, both decide, both write. We
        # begin ourselves instead (below).
        dbapi_connection.isolation_level = None


@sa.event.listens_for(Engine, "begin")
def _begin_on_sqlite(connection: sa.Connection) -> None:
    """A transaction that may write takes SQLite's write lock before its first read, so that
    the checks a service makes before writing hold, as FOR UPDATE makes them hold on
    PostgreSQL: a second writer waits (busy_timeout) and then sees what the first stored.
    Pages and API reads (GET, HEAD, OPTIONS) begin deferred: with the write lock they would
    queue behind each other, and a slow page would make the next one fail. A write they make
    goes through `writing`."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if _only_reading() else "BEGIN IMMEDIATE")


def _only_reading() -> bool:
    return (
        has_request_context()
        and request.method in ("GET", "HEAD", "OPTIONS")
        and not g.get("writing_on_a_read", False)
    )


@contextmanager
def writing(session: Session) -> Iterator[None]:
    """A write made while answering a GET, HEAD or OPTIONS request takes SQLite's write lock as
    its transaction begins, as a POST's does. Deferred, the transaction that read first could
    not write once another had written meanwhile ("database is locked" at once), and the checks
    it made before writing would not hold. The reading transaction the request began ends first
    (it holds nothing a write needs); what it loaded is loaded again. Other requests, commands
    and PostgreSQL are left as they are."""
    if not _only_reading() or session.get_bind().dialect.name != "sqlite":
        yield
        return
    session.rollback()
    g.writing_on_a_read = True
    try:
        yield
    finally:
        g.writing_on_a_read = False


# Named constraints let migrations drop and alter them on every database, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator):
    """An instant, stored and given back as an aware UTC datetime on every database.

    SQLite gives back naive datetimes and PostgreSQL aware ones in the session's time zone;
    instants that reach the audit trail, the pages and the CSV must read the same everywhere.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("a naive datetime cannot be stored as an instant")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


int_pk = Annotated[int, mapped_column(primary_key=True)]
# The table options of a table whose ids reach links, tokens, feeds or outbox keys: SQLite would
# otherwise give a deleted row's id to the next one (the highest id plus one), and an erased
# subscriber's old link would act on a newcomer. PostgreSQL's sequences never go back.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}
name_text = Annotated[str, mapped_column(sa.String(200))]
# ISO 3166-1 alpha-2, upper case; each table that has one checks it with `country_code_check`.
country_code = Annotated[str, mapped_column(sa.String(2))]


def country_code_check(column: str) -> sa.CheckConstraint:
    """A check that `column` holds two upper-case characters, as ISO 3166-1 alpha-2 codes are."""
    return sa.CheckConstraint(
        f"length({column}) = 2 AND upper({column}) = {column}", name=f"{column}_alpha2"
    )


# The largest id an INTEGER primary key holds on both databases.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row's id, from 1 to LARGEST_ID, so that an id no column can
    hold is a 404 before any query."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=LARGEST_ID)


# Every enum column is this wide, whatever its members, so that a new, longer member changes
# only the column's CHECK, never its type.
ENUM_LENGTH = 32


def enum_by_value(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A column type that stores an enum by its value, checked by the database."""
    longest = max(len(member.value) for member in enum_class)
    if longest > ENUM_LENGTH:
        raise ValueError(f"{enum_class.__name__} has a value longer than {ENUM_LENGTH}")
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=ENUM_LENGTH,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
