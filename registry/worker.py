"""The worker: makes due changes effective and delivers the outbox.

`flask --app wsgi worker` runs until stopped (`make run` starts it beside the web server);
`--once` does one round, for cron. Several workers may run side by side: each claims a batch
by writing its own lease on the rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite lets one
writer at a time), delivers the batch over one connection, and records each message as soon as
the server has answered for it. A worker killed mid-batch leaves its unrecorded messages leased;
when the lease runs out (OUTBOX_LEASE_SECONDS, a minute by default; a live worker renews it as
it goes) another round claims them again, so nothing is lost.

Answers: 2xx sent; 4xx and failed connections retried with exponential backoff, up to
OUTBOX_MAX_ATTEMPTS; 5xx failed at once, with the server's answer kept.
"""

import logging
import secrets
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from registry import clock, emails, mail, outbox
from registry.extensions import db
from registry.models import ChangeNotice, DeliveryState, MessageKind, NoticeState, OutboxMessage
from registry.notices import changes

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class Round:
    """What one round did."""

    changes_applied: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.changes_applied} change(s) took effect; {self.sent} email(s) sent, "
            f"{self.retrying} to be retried, {self.failed} failed."
        )


def run(interval: float = 5.0) -> None:
    """Do rounds until SIGTERM or SIGINT; a stop lets the message in flight be recorded."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.is_set():
        try:
            done = work_round(stop)
        except Exception:  # the database away for a moment, say: try again next round
            log.exception("the round failed; the next one starts in %s s", interval)
            db.session.rollback()
            done = Round()
        if done.sent or done.retrying or done.failed or done.changes_applied:
            log.info("%s", done)
        stop.wait(interval)


def work_round(stop: threading.Event | None = None) -> Round:
    """Apply the changes whose time has come, then deliver every message that is due."""
    done = Round(changes_applied=changes.apply_due())
    db.session.commit()
    queue_reminders()
    db.session.commit()
    transport = mail.transport_from_config()
    composer = emails.Composer()
    try:
        with _ledger() as ledger:
            while not (stop and stop.is_set()):
                token, batch = _claim(current_app.config["OUTBOX_BATCH_SIZE"])
                if not batch:
                    break
                _deliver(_Claim(token, ledger), batch, transport, composer, done, stop)
    finally:
        transport.close()
    return done


@dataclass(frozen=True)
class _Claim:
    """A batch's lease, and the connection that records what became of each message."""

    token: str
    ledger: "_Ledger"


@contextmanager
def _ledger():
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
        ledger = _Ledger(connection)
        try:
            yield ledger
        finally:
            ledger.rollback()
            if sqlite:
                driver.execute(f"PRAGMA synchronous = {int(before)}")
            else:
                connection.exec_driver_sql("RESET synchronous_commit")
                connection.commit()


class _Ledger:
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


def queue_reminders() -> int:
    """Queue the reminder of each announced notice whose deadline is NOTICE_REMINDER_DAYS
    away or nearer (0 turns reminders off); a notice whose window is that short gets none.
    Queueing again adds nothing."""
    days = current_app.config["NOTICE_REMINDER_DAYS"]
    if not days:
        return 0
    now = clock.now()
    due = db.session.scalars(
        sa.select(ChangeNotice).where(
            ChangeNotice.state == NoticeState.ANNOUNCED,
            ChangeNotice.objection_deadline > now,
            ChangeNotice.objection_deadline <= now + timedelta(days=days),
            ChangeNotice.window_days > days,
        )
    ).all()
    return sum(outbox.fan_out(notice, MessageKind.NOTICE_REMINDER) for notice in due)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _claim(size: int) -> tuple[str, list[emails.Outgoing]]:
    """Lease up to `size` due messages to this worker, committed before anything is sent."""
    now = clock.now()
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.state == DeliveryState.QUEUED,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(lease_token=token, leased_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.key,
            OutboxMessage.queued_at,
            OutboxMessage.recipient,
            OutboxMessage.language,
            OutboxMessage.subject_id,
            OutboxMessage.subscriber_id,
            OutboxMessage.attempts,
        )
        .where(OutboxMessage.lease_token == token)
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return token, [emails.Outgoing(*row) for row in rows]


def _deliver(claim: _Claim, batch, transport, composer, done: Round, stop) -> None:
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    renewed = clock.now()
    for position, message in enumerate(batch):
        if stop and stop.is_set():
            _release(claim, batch[position:])  # the next worker takes them at once
            return
        if clock.now() - renewed > lease / 3:
            # A slow server: keep the batch ours, or leave what another worker took over.
            if not _renew(claim, lease):
                return
            renewed = clock.now()
        try:
            envelope = _compose(composer, message)
        except Exception as error:  # a message that cannot be written fails alone
            log.exception("outbox message %s could not be composed", message.id)
            _record_failure(claim, message, f"could not be composed: {error!r}", done)
            continue
        try:
            transport.send(envelope)
        except mail.DeliveryError as error:
            if error.permanent:
                _record_failure(claim, message, error.answer, done)
            elif error.connection_lost:
                # The server is unreachable or closing: the rest of the batch waits as long
                # as this message, without an attempt counted against it.
                _record_retry(claim, message, error.answer, done)
                delay = retry_delay(message.attempts + 1)
                for waiting in batch[position + 1 :]:
                    _update(claim, waiting, next_attempt_at=clock.now() + delay)
                return
            else:
                _record_retry(claim, message, error.answer, done)
            continue
        except Exception as error:  # e.g. an address smtplib cannot encode: this one fails
            log.exception("outbox message %s could not be sent", message.id)
            transport.close()
            _record_failure(claim, message, f"could not be sent: {error!r}", done)
            continue
        _update(
            claim,
            message,
            state=DeliveryState.SENT,
            sent_at=clock.now(),
            message_id=envelope.message_id,
            attempts=message.attempts + 1,
        )
        done.sent += 1


def _compose(composer: emails.Composer, message: emails.Outgoing) -> mail.Envelope:
    try:
        return composer.compose(message)
    finally:
        # Composing only reads. Its transaction ends now: on SQLite it holds the write lock
        # (registry.database), which the ledger needs and nobody should wait for while the
        # mail server answers.
        db.session.rollback()


def _renew(claim: _Claim, lease: timedelta) -> bool:
    table = OutboxMessage.__table__
    renewed = claim.ledger.connection.execute(
        sa.update(table)
        .where(table.c.lease_token == claim.token)
        .values(leased_until=clock.now() + lease)
    ).rowcount
    claim.ledger.connection.commit()
    return renewed > 0


def _record_retry(claim: _Claim, message: emails.Outgoing, answer: str, done: Round) -> None:
    attempts = message.attempts + 1
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _record_failure(claim, message, f"gave up after {attempts} attempts: {answer}", done)
        return
    _update(
        claim,
        message,
        attempts=attempts,
        last_error=answer,
        next_attempt_at=clock.now() + retry_delay(attempts),
    )
    done.retrying += 1


def _record_failure(claim: _Claim, message: emails.Outgoing, answer: str, done: Round) -> None:
    _update(
        claim, message, state=DeliveryState.FAILED, attempts=message.attempts + 1, last_error=answer
    )
    done.failed += 1


def _release(claim: _Claim, messages: list[emails.Outgoing]) -> None:
    for message in messages:
        _update(claim, message)


def _update(claim: _Claim, message: emails.Outgoing, **values) -> None:
    """Record what became of one message and give up the lease, in a transaction of its own:
    once the server has answered, the answer is on record before the next message goes."""
    if not claim.ledger.record(message.id, claim.token, values):
        log.warning("outbox message %s was claimed by another worker meanwhile", message.id)
