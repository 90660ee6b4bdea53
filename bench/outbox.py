"""One notice fanned out to many subscribers, delivered by the real worker into a fast local
SMTP sink (Postfix's smtp-sink), beside a bare smtplib loop sending pre-built messages over one
connection to the same sink. smtp-sink advertises PIPELINING, so the worker sends each envelope
in one write (two round trips a message), while the bare loop's `sendmail` waits for each answer
(four): the loop shows what the sink and the loopback allow without pipelining, not a ceiling.

Prints messages per second and the worker's peak memory (for two subscriber counts, to show it
flat); never fails on timing. Needs /usr/sbin/smtp-sink (Debian package postfix).

    make bench    # or: .venv/bin/python bench/outbox.py --subscribers 10000
"""

import argparse
import os
import resource
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMTP_SINK = "/usr/sbin/smtp-sink"


def main() -> None:
    arguments = _arguments()
    if not Path(SMTP_SINK).exists():
        print(f"outbox: skipped, {SMTP_SINK} is missing (apt-get install postfix)")
        return
    port = _free_port()
    sink = _start_sink(port)
    try:
        for count in (arguments.subscribers // 10, arguments.subscribers):
            _fan_out_and_deliver(count, port)
        _bare_loop(arguments.subscribers, port)
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    return parser.parse_args()


def _fan_out_and_deliver(count: int, port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        environment = os.environ | {
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3",
            "MAIL_SMTP_HOST": "127.0.0.1",
            "MAIL_SMTP_PORT": str(port),
            "MAIL_SMTP_SECURITY": "none",
            "PUBLIC_URL": "https://subprocessors.example.com",
        }
        fan_out = _seed(environment, count)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        # The worker's start (imports, app) is timed apart from its round.
        started = time.perf_counter()
        subprocess.run(
            [*flask, "--help"], env=environment, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
        start_up = time.perf_counter() - started
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        result = subprocess.run(
            [*flask, "worker", "--once"],
            env=environment,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started - start_up
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            f"outbox: {count:>6} subscribers: fan-out (one INSERT … SELECT at the announcement) "
            f"{fan_out * 1000:.0f} ms; worker delivered in {elapsed:.2f} s = "
            f"{count / elapsed:,.0f} messages/s; worker peak RSS {max(peak, before) / 1024:.0f} MB"
            f" ({result.stdout.strip()})"
        )


def _seed(environment: dict, count: int) -> float:
    """A migrated database with one proposed subprocessor and `count` confirmed subscribers;
    returns the seconds the announcement (and its fan-out) took."""
    code = f"""
import time
from flask_migrate import upgrade
import sqlalchemy as sa
from registry import clock, create_app
from registry.notices import changes
from registry.demo import load_demo
from registry.extensions import db
from registry.models import ChangeKind, Subprocessor, SubprocessorStatus, Subscriber

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
    started = time.perf_counter()
    changes.announce(ChangeKind.ADDITION, proposed, "bench")
    db.session.commit()
    print(time.perf_counter() - started)
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def _bare_loop(count: int, port: int) -> None:
    """smtplib over one connection, each message built beforehand, one command at a time."""
    message = EmailMessage()
    message["From"] = "Mixvoip <dpo@mixvoip.com>"
    message["To"] = "subscriber@customer.example"
    message["Subject"] = "Announced: New subprocessor: Nimbus Cloud"
    message.set_content("A notice of about the same size as the worker's.\n" * 40)
    data = bytes(message)
    with smtplib.SMTP("127.0.0.1", port) as connection:
        started = time.perf_counter()
        for number in range(count):
            connection.sendmail("dpo@mixvoip.com", [f"subscriber{number}@customer.example"], data)
        elapsed = time.perf_counter() - started
    print(
        f"outbox: bare smtplib loop (not pipelined), {count} pre-built messages over one "
        f"connection: {count / elapsed:,.0f} messages/s"
    )


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
