"""One notice fanned out to many subscribers, delivered by the real long-running worker into a
fast local SMTP sink (Postfix's smtp-sink), beside a bare loop over one pipelined connection to
the same sink in the same round: what the sink and the loopback allow a sender that does
nothing else.

Each round seeds a database with `--subscribers` confirmed subscribers, starts `flask worker`
and lets it idle, then announces a change in another process and commits. It prints, as medians
of interleaved rounds, each beside its goal (issue #18; never fails on timing):

- the worker's rate (messages over the time from its first recorded delivery to its last)
  beside the bare pipelined loop's, with their ratio (goal: 0.6 or more); the bare loop without
  pipelining (smtplib's `sendmail`) as a second reference;
- announce → last: from the announcement's commit to the last message's recorded `sent_at`
  (goal: 5 s or less for 10,000; the worker polls every second on SQLite);
- the worker's peak RSS (`VmHWM` of its process, read before it is stopped; goal: 60 MB or
  less) beside a bare `python -c "import flask, sqlalchemy"` and the worker's own when idle.

Needs /usr/sbin/smtp-sink (Debian package postfix).

    make bench    # or: .venv/bin/python bench/outbox.py --subscribers 10000 --rounds 3
"""

import argparse
import os
import signal
import smtplib
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMTP_SINK = "/usr/sbin/smtp-sink"
RATIO_GOAL = 0.6
LATENCY_GOAL = 5.0  # seconds
RSS_GOAL = 60  # MB


def main() -> None:
    arguments = _arguments()
    if not Path(SMTP_SINK).exists():
        print(f"outbox: skipped, {SMTP_SINK} is missing (apt-get install postfix)")
        return
    port = _free_port()
    sink = _start_sink(port)
    rounds: list[dict] = []
    try:
        for number in range(arguments.rounds):
            measured = _worker_round(arguments.subscribers, port, arguments.connections)
            measured["pipelined"] = _bare_pipelined(arguments.subscribers, port, measured["size"])
            measured["sendmail"] = _bare_sendmail(arguments.subscribers, port, measured["size"])
            rounds.append(measured)
            print(
                f"outbox: round {number + 1}: worker {measured['rate']:,.0f} msg/s, pipelined loop "
                f"{measured['pipelined']:,.0f} msg/s, sendmail loop {measured['sendmail']:,.0f} "
                f"msg/s; announce → last {measured['latency']:.2f} s; worker VmHWM "
                f"{measured['peak']:.0f} MB",
                flush=True,
            )
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    _report(arguments, rounds, _bare_python_peak())


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--connections", type=int, default=1, help="the worker's MAIL_SMTP_CONNECTIONS"
    )
    return parser.parse_args()


def _report(arguments: argparse.Namespace, rounds: list[dict], bare_peak: float) -> None:
    def median(name: str) -> float:
        return statistics.median(measured[name] for measured in rounds)

    ratio = statistics.median(measured["rate"] / measured["pipelined"] for measured in rounds)
    print(
        f"outbox: {arguments.subscribers} subscribers, MAIL_SMTP_CONNECTIONS="
        f"{arguments.connections}, median of {len(rounds)} rounds, "
        f"{median('size'):,.0f}-byte messages:\n"
        f"outbox:   worker {median('rate'):,.0f} msg/s; bare pipelined loop over one connection "
        f"{median('pipelined'):,.0f} msg/s; ratio {ratio:.2f} (goal ≥ {RATIO_GOAL})\n"
        f"outbox:   bare smtplib sendmail loop (not pipelined) {median('sendmail'):,.0f} msg/s\n"
        f"outbox:   announce → last accepted {median('latency'):.2f} s (goal ≤ {LATENCY_GOAL:.0f} "
        f"s; first accepted after {median('first'):.2f} s)\n"
        f"outbox:   worker peak RSS (VmHWM) {median('peak'):.0f} MB (goal ≤ {RSS_GOAL} MB); "
        f"idle worker {median('idle'):.0f} MB; bare python -c 'import flask, sqlalchemy' "
        f"{bare_peak:.0f} MB"
    )


def _worker_round(count: int, port: int, connections: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        database = f"{instance}/bench.sqlite3"
        environment = os.environ | {
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{database}",
            "MAIL_SMTP_HOST": "127.0.0.1",
            "MAIL_SMTP_PORT": str(port),
            "MAIL_SMTP_SECURITY": "none",
            "MAIL_SMTP_CONNECTIONS": str(connections),
            "PUBLIC_URL": "https://subprocessors.example.com",
        }
        _python(SEED.format(count=count), environment)
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            worker.stdout.readline()  # "The worker is running …": the app is built
            time.sleep(1.5)  # a first round over an empty outbox, then idle
            idle = _memory(worker.pid, "VmRSS")
            committed, size = (float(value) for value in _python(ANNOUNCE, environment).split())
            sent, first, last = _wait_for(database, count, worker)
            peak = _memory(worker.pid, "VmHWM")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    return {
        "rate": (sent - 1) / (last - first),
        "latency": last - committed,
        "first": first - committed,
        "peak": peak,
        "idle": idle,
        "size": size,
    }


def _wait_for(database: str, count: int, worker: subprocess.Popen) -> tuple[int, float, float]:
    """Wait until the notice's messages (`count` or more: the demo data has subscribers too)
    are recorded sent; their number, the first and last `sent_at` as Unix times."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        deadline = time.monotonic() + 300
        while True:
            queued, sent, first, last = connection.execute(
                "SELECT count(*), count(sent_at), min(sent_at), max(sent_at) "
                "FROM outbox_message WHERE kind = 'notice_announced'"
            ).fetchone()
            if queued >= count and sent == queued:
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker sent {sent} of {count} messages and stopped")
            time.sleep(0.05)
    return sent, _instant(first), _instant(last)


def _instant(stored: str) -> float:
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).timestamp()


def _memory(pid: int, field: str) -> float:
    """A `/proc/<pid>/status` size, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def _bare_python_peak() -> float:
    code = "import flask, sqlalchemy, pathlib; print(pathlib.Path('/proc/self/status').read_text())"
    status = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _python(code: str, environment: dict) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


SEED = """
from flask_migrate import upgrade
import sqlalchemy as sa
from registry import clock, create_app
from registry.demo import load_demo
from registry.extensions import db
from registry.models import Subprocessor, SubprocessorStatus, Subscriber

app = create_app()
with app.app_context():
    upgrade()
    load_demo()
    now = clock.now()
    db.session.execute(sa.insert(Subscriber), [
        dict(email=f"subscriber{{n:06d}}@customer{{n % 97}}.example",
             language=("en", "de", "fr")[n % 3], state="confirmed", subscribed_at=now,
             confirmed_at=now, confirmation_requests=1)
        for n in range({count})
    ])
    proposed = db.session.scalar(sa.select(Subprocessor).where(
        Subprocessor.status == SubprocessorStatus.PROPOSED).limit(1))
    if proposed is None:
        proposed = db.session.scalar(sa.select(Subprocessor).limit(1))
        proposed.status = SubprocessorStatus.PROPOSED
    db.session.commit()
"""

# Announces, and before committing composes one of its messages (its size, for the bare loop).
ANNOUNCE = """
import time
import sqlalchemy as sa
from registry import create_app
from registry.notices import changes
from registry.extensions import db
from registry.models import ChangeKind, OutboxMessage, Subprocessor, SubprocessorStatus
from registry.outbox.channels import Outgoing
from registry.outbox.channels.email.composer import Composer

app = create_app()
with app.app_context():
    proposed = db.session.scalar(sa.select(Subprocessor).where(
        Subprocessor.status == SubprocessorStatus.PROPOSED).limit(1))
    changes.announce(ChangeKind.ADDITION, proposed, "bench")
    db.session.flush()
    row = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    size = len(Composer().compose(Outgoing(
        row.id, row.channel, row.kind, row.key, row.queued_at, row.recipient, row.language,
        row.subject_id, row.subscriber_id, row.attempts, row.contact_id)).data)
    db.session.commit()
    print(time.time(), size)
"""


def _message(size: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Mixvoip <dpo@mixvoip.com>"
    message["To"] = "subscriber@customer.example"
    message["Subject"] = "Announced: New subprocessor: Nimbus Cloud"
    message.set_content("x")
    head = bytes(message)
    line = b"A notice of about the same size as the worker's, line after line.\r\n"
    body = (line * (int(size) // len(line) + 1))[: max(int(size) - len(head), 0)]
    return head + body + b"\r\n"


def _bare_pipelined(count: int, port: int, size: float) -> float:
    """A raw socket: each message's MAIL, RCPT and DATA in one write, their three answers read,
    then the data and its answer; each message built beforehand."""
    data = _message(size).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b".\r\n"
    mail = "MAIL FROM:<dpo@mixvoip.com>\r\n"
    envelopes = [
        f"{mail}RCPT TO:<subscriber{n}@customer.example>\r\nDATA\r\n".encode() for n in range(count)
    ]
    with socket.create_connection(("127.0.0.1", port)) as connection:
        replies = connection.makefile("rb")

        def answer() -> bytes:
            while (line := replies.readline())[3:4] == b"-":
                continue
            return line

        answer()  # the greeting
        connection.sendall(b"EHLO bench.example\r\n")
        answer()
        started = time.perf_counter()
        for envelope in envelopes:
            connection.sendall(envelope)
            if not (answer()[:1] == answer()[:1] == b"2" and answer()[:3] == b"354"):
                raise SystemExit("smtp-sink refused an envelope")
            connection.sendall(data)
            if answer()[:1] != b"2":
                raise SystemExit("smtp-sink refused a message")
        elapsed = time.perf_counter() - started
        connection.sendall(b"QUIT\r\n")
    return count / elapsed


def _bare_sendmail(count: int, port: int, size: float) -> float:
    """smtplib over one connection, each message built beforehand, one command at a time."""
    data = _message(size)
    with smtplib.SMTP("127.0.0.1", port) as connection:
        connection.ehlo()
        connection.esmtp_features.pop("pipelining", None)
        started = time.perf_counter()
        for number in range(count):
            connection.sendmail("dpo@mixvoip.com", [f"subscriber{number}@customer.example"], data)
        elapsed = time.perf_counter() - started
    return count / elapsed


def _start_sink(port: int) -> subprocess.Popen:
    command = [SMTP_SINK, f"127.0.0.1:{port}", "256"]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "nobody"]
    sink = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.05)
    raise SystemExit("smtp-sink did not start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
