"""The registry scaled out as production runs it: one PostgreSQL schema and one Redis shared by
two gunicorn servers (two workers each, `gunicorn.conf.py`) and two outbox workers, the
migrations and demo data run once before them (`flask --app wsgi setup`), and an SMTP sink on
loopback that keeps every message the workers deliver.

Every process is started in a session of its own, so that stopping it stops its children too
(gunicorn's workers); `Cluster.stop` stops them all and is safe to call after a failed start.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from registry.database import database_url
from tests import conftest
from tests.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"
ADMIN_EMAIL = "admin@scale-out.example"
ADMIN_PASSWORD = "a password for the scale-out test"
STARTUP_SECONDS = 30


@dataclass
class Cluster:
    """What runs, where it answers, and where its output went."""

    folder: Path
    servers: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    database: str = ""
    redis_prefix: str = ""
    smtp: SmtpServer | None = None
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds each step of start took
    _schema: str = ""
    _admin_engine: sa.Engine | None = None

    def start(self, url: str) -> None:
        self._make_schema(url)
        self.redis_prefix = f"scale-out-{uuid.uuid4().hex[:12]}:"
        self.smtp = SmtpServer(free_port())
        self.smtp.start()
        self.environment = os.environ | {
            "DATABASE_URL": self.database,
            "INSTANCE_PATH": str(self.folder / "instance"),
            "SECRET_KEY": "scale-out-secret-key",
            "AUDIT_KEY": "scale-out-audit-key",
            "SIGNING_KEY": conftest.SIGNING_KEY,
            "REDIS_URL": REDIS,
            "CACHE_KEY_PREFIX": self.redis_prefix + "answer:",
            "RATELIMIT_STORAGE_URI": REDIS,
            "RATELIMIT_KEY_PREFIX": self.redis_prefix + "limits",
            "MAIL_SMTP_HOST": "127.0.0.1",
            "MAIL_SMTP_PORT": str(self.smtp.port),
            "MAIL_SMTP_SECURITY": "none",
            "LOG_FORMAT": "text",
        }
        ports = [free_port(), free_port()]
        self.servers = [f"http://127.0.0.1:{port}" for port in ports]
        # Every link in an email points at the first server; the second serves the same.
        self.environment["PUBLIC_URL"] = self.servers[0]
        began = time.monotonic()
        self._run("setup", ["-m", "flask", "--app", "wsgi", "setup"])
        self.timings["setup"] = time.monotonic() - began
        for number in (1, 2):
            self._spawn(
                f"worker-{number}",
                ["-m", "flask", "--app", "wsgi", "worker", "--interval", "1"],
                {},
            )
        for number, port in enumerate(ports, start=1):
            self._spawn(
                f"gunicorn-{number}",
                ["-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                {"WEB_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            )
        # While the servers boot: the admin, as an operator creates the first user.
        self._run(
            "users create",
            ["-m", "flask", "--app", "wsgi", "users", "create", ADMIN_EMAIL, "--role", "admin"],
            ["--password", ADMIN_PASSWORD],
        )
        for server in self.servers:
            self._wait_until_ready(server)
        self.timings["ready"] = time.monotonic() - began - self.timings["setup"]

    def stop(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL), the sink, and remove the schema and the
        Redis keys; each step runs whatever failed before it."""
        for _name, process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self.smtp is not None:
            self.smtp.stop()
        if self.redis_prefix:
            _delete_redis_keys(self.redis_prefix)
        if self._admin_engine is not None:
            with self._admin_engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self._schema}" CASCADE'))
            self._admin_engine.dispose()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def engine(self) -> sa.Engine:
        """An engine on the cluster's schema, for the tests to read what the processes wrote."""
        return sa.create_engine(self.database, poolclass=sa.pool.NullPool)

    def _make_schema(self, url: str) -> None:
        parsed = sa.make_url(database_url(url))
        self._schema = f"scale_out_{uuid.uuid4().hex[:16]}"
        self._admin_engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
        with self._admin_engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{self._schema}"'))
        self.database = parsed.update_query_dict(
            {"options": f"-csearch_path={self._schema}"}
        ).render_as_string(hide_password=False)

    def _run(self, name: str, arguments: list[str], secret: list[str] | None = None) -> None:
        done = subprocess.run(
            [sys.executable, *arguments, *(secret or [])],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"

    def _spawn(self, name: str, arguments: list[str], environment: dict[str, str]) -> None:
        with (self.folder / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, *arguments],
                cwd=ROOT,
                env=self.environment | environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process))

    def _wait_until_ready(self, server: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes:
                assert process.poll() is None, f"{name} stopped:\n{self.log(name)}"
            try:
                with urllib.request.urlopen(server + "/readyz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except urllib.error.HTTPError as error:
                error.close()  # 503: the worker's heartbeat is not in yet
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        logs = "\n".join(f"--- {name}\n{self.log(name)}" for name, _ in self.processes)
        raise AssertionError(f"{server}/readyz did not answer 200 in time:\n{logs}")


def redis_answers() -> bool:
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (OSError, redis.RedisError):
        return False
    finally:
        client.close()


def redis_keys(prefix: str) -> list[bytes]:
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        return list(client.scan_iter(match=f"*{prefix}*", count=1000))
    finally:
        client.close()


def _delete_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
