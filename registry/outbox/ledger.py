"""The ledger: where the worker records what became of each message, each record committed
before the next message goes, so that once a channel has answered for a message the answer is
on record.

`make bench` (one notice to 10,000 subscribers into smtp-sink, SQLite) measured it against plain
SQLAlchemy Core updates on a connection of their own, committed one by one, in December 2026:
the worker's round took a median 6.4 s with the ledger and 19.5 s without (12 runs each; a
machine shared with other work, so the spread was wide: 3.7-9.3 s and 9.2-35.6 s). Recording
alone, 5,000 messages in one process: 0.6 s with the ledger, 2.1 s with Core statements on the
ledger's connection (the commit setting kept), 8.8 s with Core and full durability; on
PostgreSQL 1.4 s, 3.0 s and 9.3 s.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from registry.extensions import db
from registry.models import OutboxMessage


@contextmanager
def open_ledger() -> Iterator["Ledger"]:
    """A connection of its own for recording deliveries, one commit per message, whose commits
    do not wait for the disk (SQLite's synchronous=NORMAL in WAL mode, PostgreSQL's
    synchronous_commit=off): a crash of the machine itself (not of the worker) may forget the
    last moment's records, and those messages go out once more. Everything else keeps full
    durability; the setting is undone before the connection goes back to the pool."""
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Outside any transaction, where SQLite lets the pragma change: straight on the
            # driver, as SQLAlchemy begins every transaction itself (registry.database).
            driver = connection.connection.driver_connection
            before = driver.execute("PRAGMA synchronous").fetchone()[0]
            driver.execute("PRAGMA synchronous = NORMAL")
        else:
            connection.exec_driver_sql("SET synchronous_commit TO OFF")
            connection.commit()
        ledger = Ledger(connection)
        try:
            yield ledger
        finally:
            ledger.rollback()
            if sqlite:
                driver.execute(f"PRAGMA synchronous = {int(before)}")
            else:
                connection.exec_driver_sql("RESET synchronous_commit")
                connection.commit()


class Ledger:
    """Records what became of each message, each record in a transaction of its own.

    A record is an UPDATE of one outbox row, compiled once per set of columns for this
    database and run straight on the driver's connection: at thousands of messages a round,
    SQLAlchemy's bookkeeping around each statement costs more than the database's own work.
    The column types still convert the values (`bind_processor`), as they would through it.
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._driver = connection.connection.driver_connection
        self._compiled: dict[frozenset[str], tuple[str, tuple[str, ...], dict]] = {}

    def record(self, message_id: int, token: str, values: dict) -> int:
        """Set `values` on the message if `token` still holds its lease, give the lease up, and
        commit; the number of rows changed (0: another worker took the message over)."""
        sql, positions, processors = self._statement(frozenset(values))
        parameters = {
            "message": message_id,
            "token": token,
            "lease_token": None,
            "leased_until": None,
            **values,
        }
        for name, process in processors.items():
            if parameters[name] is not None:
                parameters[name] = process(parameters[name])
        arguments = [parameters[name] for name in positions] if positions else parameters
        cursor = self._driver.cursor()
        try:
            cursor.execute(sql, arguments)
            changed = cursor.rowcount
        finally:
            cursor.close()
        self._driver.commit()
        return changed

    def renew(self, token: str, until: datetime) -> bool:
        """Extend the lease `token` holds to `until`; False if another worker took it over."""
        table = OutboxMessage.__table__
        renewed = self.connection.execute(
            sa.update(table).where(table.c.lease_token == token).values(leased_until=until)
        ).rowcount
        self.connection.commit()
        return renewed > 0

    def rollback(self) -> None:
        self._driver.rollback()
        self.connection.rollback()

    def _statement(self, columns: frozenset[str]) -> tuple[str, tuple[str, ...], dict]:
        if columns not in self._compiled:
            table = OutboxMessage.__table__
            statement = (
                sa.update(table)
                .where(
                    table.c.id == sa.bindparam("message", type_=table.c.id.type),
                    table.c.lease_token == sa.bindparam("token", type_=table.c.lease_token.type),
                )
                .values(
                    **{
                        name: sa.bindparam(name, type_=table.c[name].type)
                        for name in {"lease_token", "leased_until", *columns}
                    }
                )
            )
            dialect = self.connection.dialect
            compiled = statement.compile(dialect=dialect)
            processors = {
                name: process
                for name, bind in compiled.binds.items()
                if (process := bind.type.bind_processor(dialect)) is not None
            }
            positions = tuple(compiled.positiontup or ())  # empty for a named paramstyle
            self._compiled[columns] = (compiled.string, positions, processors)
        return self._compiled[columns]
