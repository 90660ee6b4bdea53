"""The worker: makes due changes effective and delivers the outbox.

`flask --app wsgi worker` runs until stopped (`make run` starts it beside the web server);
`--once` does one round, for cron. Several workers may run side by side: each claims a batch
by writing its own lease on the rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite lets one
writer at a time), delivers the batch through each message's channel (a channel keeps its
connection open for the whole round), and records each message as soon as the channel has
answered for it. A channel may deliver over several connections at once (its optional
`connections()`; email's MAIL_SMTP_CONNECTIONS): the worker composes each message and hands it
to the first free connection, whose thread only sends, and records the answers as they come
back, each in its own commit as before. A worker killed mid-batch leaves its unrecorded
messages leased; when the lease runs out (OUTBOX_LEASE_SECONDS, a minute by default; a live
worker renews it as it goes) another round claims them again, so nothing is lost.

The channel says what a failed delivery means (`Channel.classify`): tried again with
exponential backoff, up to OUTBOX_MAX_ATTEMPTS; the channel's other messages held as long when
it cannot deliver at all; or failed at once. The channel's answer is kept with the message.
"""

import logging
import queue
import secrets
import signal
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from registry import clock
from registry.chain import watch
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.models import ChangeNotice, DeliveryState, MessageKind, NoticeState, OutboxMessage
from registry.notices import changes
from registry.operations import heartbeat
from registry.outbox import channels, queueing
from registry.outbox.channels import Outcome, Outgoing, Sender
from registry.outbox.ledger import Ledger, open_ledger
from registry.outbox.wakeup import Wakeup

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class Round:
    """What one round did."""

    changes_applied: int = 0
    sent: dict[str, int] = field(default_factory=dict)  # by channel
    retrying: int = 0
    failed: int = 0
    lists_checked: int = 0

    def __str__(self) -> str:
        sent = ", ".join(f"{count} {channel}(s) sent" for channel, count in self.sent.items())
        said = (
            f"{self.changes_applied} change(s) took effect; {sent or 'nothing sent'}, "
            f"{self.retrying} to be retried, {self.failed} failed."
        )
        if self.lists_checked:
            said += f" {self.lists_checked} subprocessor list(s) checked."
        return said

    def __bool__(self) -> bool:
        return bool(
            self.changes_applied
            or any(self.sent.values())
            or self.retrying
            or self.failed
            or self.lists_checked
        )


def run(interval: float = 5.0) -> None:
    """Do rounds until SIGTERM or SIGINT; a stop lets the message in flight be recorded. Each
    round begins with the worker's heartbeat (`/readyz` reads it); between rounds the worker
    waits `interval` seconds, or less: a message queued on PostgreSQL wakes it at once, and
    it looks every second on SQLite (`wakeup`)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = heartbeat.this_worker()
    wakeup = Wakeup(db.engine)
    while not stop.is_set():
        try:
            beat(worker)
            done = work_round(stop)
        except Exception:  # the database away for a moment, say: try again next round
            log.exception("the round failed; the next one starts in %s s", interval)
            db.session.rollback()
            done = Round()
        if done:
            log.info("%s", done)
        wakeup.wait(stop, interval)
    wakeup.close()
    try:
        heartbeat.stop(worker)
        db.session.commit()
    except sa.exc.SQLAlchemyError:  # its row then ages out of /readyz's sight on its own
        log.warning("the worker's heartbeat could not be removed")


def beat(worker: str) -> None:
    """Record the worker's heartbeat in a transaction of its own."""
    heartbeat.beat(worker)
    db.session.commit()


def work_round(stop: threading.Event | None = None) -> Round:
    """Apply the changes whose time has come, then deliver every message that is due."""
    done = Round(changes.apply_due(), dict.fromkeys(channels.registered(), 0))
    db.session.commit()
    queue_reminders()
    db.session.commit()
    done.lists_checked = check_chain_lists()
    with ExitStack() as resources:
        ledger = resources.enter_context(open_ledger())
        senders = _Senders(resources)
        while not (stop and stop.is_set()):
            token, batch = _claim(current_app.config["OUTBOX_BATCH_SIZE"])
            if not batch:
                break
            _deliver(_Claim(token, ledger, senders), batch, done, stop)
    return done


class _Senders:
    """The round's senders, each opened at its channel's first message and closed with the
    round: one SMTP connection, say, carries every email of the round, or each of a channel's
    `connections` carries its share."""

    def __init__(self, resources: ExitStack) -> None:
        self._resources = resources
        self._opened: dict[str, Sender] = {}
        self._pools: dict[str, _Pool | None] = {}

    def __getitem__(self, channel: str) -> Sender:
        """The channel's first sender: it composes every message of the channel, and delivers
        them when the channel has one connection."""
        if channel not in self._opened:
            self._opened[channel] = self._open(channel)
        return self._opened[channel]

    def pool(self, channel: str) -> "_Pool | None":
        """The channel's senders that deliver side by side; None for a channel of one."""
        if channel not in self._pools:
            count = getattr(channels.registered()[channel], "connections", lambda: 1)()
            self._pools[channel] = None
            if count > 1:
                senders = [self[channel], *(self._open(channel) for _ in range(count - 1))]
                self._pools[channel] = self._resources.enter_context(_Pool(senders))
        return self._pools[channel]

    def pools(self) -> list["_Pool"]:
        return [pool for pool in self._pools.values() if pool is not None]

    def _open(self, channel: str) -> Sender:
        return self._resources.enter_context(channels.registered()[channel].sender())


class _Pool:
    """A channel's senders delivering side by side, one thread each: a thread only sends (the
    database stays with the worker's own thread, which composes and records). At most one
    message is in flight per sender; the answers come back in the order the messages went."""

    def __init__(self, senders: list[Sender]) -> None:
        self._idle: queue.SimpleQueue[Sender] = queue.SimpleQueue()
        for sender in senders:
            self._idle.put(sender)
        self._size = len(senders)
        self._threads = ThreadPoolExecutor(self._size, thread_name_prefix="outbox-sender")
        self._in_flight: deque[tuple[Outgoing, Future]] = deque()

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *_exception) -> None:
        self._threads.shutdown(wait=True)

    def submit(self, message: Outgoing, composed) -> list[tuple[Outgoing, Future]]:
        """Send `composed` on the first free sender; the messages answered meanwhile, which
        the caller records (when every sender is busy, it waits for the oldest)."""
        self._in_flight.append((message, self._threads.submit(self._send, composed)))
        answered = []
        while self._in_flight and (
            len(self._in_flight) >= self._size or self._in_flight[0][1].done()
        ):
            message, future = self._in_flight.popleft()
            future.exception()  # waits for it
            answered.append((message, future))
        return answered

    def drain(self) -> list[tuple[Outgoing, Future]]:
        """Every message still in flight, once answered."""
        answered = list(self._in_flight)
        self._in_flight.clear()
        for _message, future in answered:
            future.exception()
        return answered

    def _send(self, composed):
        sender = self._idle.get()
        try:
            return sender.deliver(composed)
        finally:
            self._idle.put(sender)


@dataclass(frozen=True)
class _Claim:
    """A batch's lease, the ledger that records what became of each message, and the senders
    that deliver them."""

    token: str
    ledger: Ledger
    senders: _Senders


def queue_reminders() -> int:
    """Queue the reminder of each announced notice whose deadline is NOTICE_REMINDER_DAYS
    away or nearer (0 turns reminders off); a notice whose window is that short gets none.
    A customer's contacts are reminded likewise before the customer's own deadline. Queueing
    again adds nothing."""
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
    queued = sum(queueing.fan_out(notice, MessageKind.NOTICE_REMINDER) for notice in due)
    # Each customer is reminded before its own deadline.
    return queued + customer_notices.queue_reminders(days)


def check_chain_lists() -> int:
    """Check each subprocessor's own list not checked for CHAIN_CHECK_INTERVAL_HOURS (0: the
    worker never does), each in a transaction of its own; how many were checked."""
    due = watch.due_sources(current_app.config["CHAIN_CHECK_INTERVAL_HOURS"])
    for source in due:
        result = watch.check(source, actor="worker")
        db.session.commit()
        if result.error:
            log.warning("the list of %s was not read: %s", result.subprocessor, result.error)
    return len(due)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _claim(size: int) -> tuple[str, list[Outgoing]]:
    """Lease up to `size` due messages of the registered channels to this worker, committed
    before anything is sent."""
    now = clock.now()
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.state == DeliveryState.QUEUED,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
            OutboxMessage.channel.in_(list(channels.registered())),
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
            OutboxMessage.channel,
            OutboxMessage.kind,
            OutboxMessage.key,
            OutboxMessage.queued_at,
            OutboxMessage.recipient,
            OutboxMessage.language,
            OutboxMessage.subject_id,
            OutboxMessage.subscriber_id,
            OutboxMessage.attempts,
            OutboxMessage.contact_id,
        )
        .where(OutboxMessage.lease_token == token)
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return token, [Outgoing(*row) for row in rows]


def _deliver(claim: _Claim, batch: list[Outgoing], done: Round, stop) -> None:
    held: dict[str, datetime] = {}  # channels that cannot deliver now, until when
    try:
        _deliver_batch(claim, batch, done, stop, held)
    finally:  # the messages still in flight are answered and recorded
        for pool in claim.senders.pools():
            _record_answers(claim, pool.drain(), done, held)


def _deliver_batch(claim: _Claim, batch: list[Outgoing], done: Round, stop, held: dict) -> None:
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    renewed = clock.now()
    for position, message in enumerate(batch):
        if stop and stop.is_set():
            _release(claim, batch[position:])  # the next worker takes them at once
            return
        if clock.now() - renewed > lease / 3:
            # A slow channel: keep the batch ours, or leave what another worker took over.
            if not claim.ledger.renew(claim.token, clock.now() + lease):
                return
            renewed = clock.now()
        if message.channel in held:
            _update(claim, message, next_attempt_at=held[message.channel])
            continue
        if (pool := claim.senders.pool(message.channel)) is not None:
            if (composed := _compose_or_fail(claim, message, done)) is not None:
                _record_answers(claim, pool.submit(message, composed[0]), done, held)
        elif (until := _deliver_one(claim, message, done)) is not None:
            held[message.channel] = until


def _record_answers(claim: _Claim, answered: list, done: Round, held: dict) -> None:
    for message, future in answered:
        error = future.exception()
        until = _answered(claim, message, future.result() if error is None else error, done)
        if until is not None:
            held[message.channel] = until


def _compose_or_fail(claim: _Claim, message: Outgoing, done: Round) -> tuple | None:
    """The message composed (in a tuple: a channel may compose to anything), or None when it
    cannot be written: then it fails alone."""
    try:
        return (_compose(claim.senders[message.channel], message),)
    except Exception as error:
        log.exception("outbox message %s could not be composed", message.id)
        _record_failure(claim, message, f"could not be composed: {error!r}", done)
        return None


def _deliver_one(claim: _Claim, message: Outgoing, done: Round) -> datetime | None:
    """Compose, deliver and record one message; when its channel cannot deliver now, the
    instant until which the channel's other messages wait."""
    if (composed := _compose_or_fail(claim, message, done)) is None:
        return None
    try:
        reference = claim.senders[message.channel].deliver(composed[0])
    except Exception as error:
        return _answered(claim, message, error, done)
    return _answered(claim, message, reference, done)


def _answered(
    claim: _Claim, message: Outgoing, answer: str | None | Exception, done: Round
) -> datetime | None:
    """Record what the channel answered for one message: its reference once delivered, or the
    error it raised; when the channel cannot deliver now, the instant until which its other
    messages wait."""
    if isinstance(answer, Exception):
        error = answer
        failure = channels.registered()[message.channel].classify(error)
        if failure is None:  # e.g. an address smtplib cannot encode: this one fails
            log.error("outbox message %s could not be sent", message.id, exc_info=error)
            _record_failure(claim, message, f"could not be sent: {error!r}", done)
        elif failure.outcome is Outcome.FAIL:
            _record_failure(claim, message, failure.answer, done)
        else:
            _record_retry(claim, message, failure.answer, done)
            if failure.outcome is Outcome.HOLD:
                return clock.now() + retry_delay(message.attempts + 1)
        return None
    _update(
        claim,
        message,
        state=DeliveryState.SENT,
        sent_at=clock.now(),
        message_id=answer,
        attempts=message.attempts + 1,
    )
    done.sent[message.channel] = done.sent.get(message.channel, 0) + 1
    return None


def _compose(sender: Sender, message: Outgoing):
    try:
        return sender.compose(message)
    finally:
        # Composing only reads. Its transaction ends now: on SQLite it holds the write lock
        # (registry.database), which the ledger needs and nobody should wait for while the
        # channel answers.
        db.session.rollback()


def _record_retry(claim: _Claim, message: Outgoing, answer: str, done: Round) -> None:
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


def _record_failure(claim: _Claim, message: Outgoing, answer: str, done: Round) -> None:
    _update(
        claim, message, state=DeliveryState.FAILED, attempts=message.attempts + 1, last_error=answer
    )
    done.failed += 1


def _release(claim: _Claim, messages: list[Outgoing]) -> None:
    for message in messages:
        _update(claim, message)


def _update(claim: _Claim, message: Outgoing, **values) -> None:
    """Record what became of one message and give up the lease, in a transaction of its own:
    once the channel has answered, the answer is on record before the next message goes."""
    if not claim.ledger.record(message.id, claim.token, values):
        log.warning("outbox message %s was claimed by another worker meanwhile", message.id)
