"""The processes production runs, started as the README's Production section starts them:
gunicorn with gunicorn.conf.py on a free loopback port, and the worker, on the tests' database
(SQLite, or PostgreSQL where the suite runs there), with JSON logs and the metrics on."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from registry import create_app
from registry.extensions import db
from tests import conftest
from tests.smtp import free_port

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "a-metrics-token-for-the-tests"
ADDRESS = "dpo@customer.example"


@dataclass
class Served:
    url: str
    environment: dict[str, str]
    log: Path
    asked: Counter = field(default_factory=Counter)  # requests answered, by path

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        self.asked[path] += 1
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


@pytest.fixture(scope="module")
def served(migrated_database, tmp_path_factory):
    """gunicorn with two workers, until the module's tests are done; then the database is
    cleared as the `app` fixture clears it."""
    folder = tmp_path_factory.mktemp("served")
    port = free_port()
    environment = os.environ | {
        "DATABASE_URL": migrated_database,
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "test-secret-key",
        "AUDIT_KEY": "test-audit-key",
        "LOG_FORMAT": "json",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "METRICS_ENABLED": "true",
        "METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
    log = folder / "gunicorn.log"
    with log.open("wb") as stderr:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    served = Served(f"http://127.0.0.1:{port}", environment, log)
    try:
        _wait_until_both_workers_answer(served, gunicorn)
        yield served
    finally:
        gunicorn.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        gunicorn.wait(timeout=10)
        app = create_app(conftest.test_config(migrated_database))
        with app.app_context():
            conftest._clear(db.engine)
            db.engine.dispose()


def _wait_until_both_workers_answer(served: Served, gunicorn: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert gunicorn.poll() is None, served.log.read_text()
        booted = served.log.read_text().count("Booting worker")
        try:
            if served.get("/healthz")[0] == 200 and booted == 2:
                return
        except urllib.error.URLError:
            served.asked["/healthz"] -= 1  # refused: no worker counted it
            time.sleep(0.1)
            continue
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer: {served.log.read_text()}")


def run_the_worker_once(served: Served) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"],
        cwd=ROOT,
        env=served.environment | {"LOG_FORMAT": "text"},
        check=True,
        capture_output=True,
    )


def test_healthz_answers_200_from_gunicorn(served):
    status, _headers, body = served.get("/healthz")
    assert (status, json.loads(body)) == (200, {"status": "alive"})


def test_readyz_is_503_until_the_worker_has_reported_then_200(served):
    status, _headers, body = served.get("/readyz")
    assert (status, json.loads(body)["not_ready"]) == (503, ["worker"])
    run_the_worker_once(served)
    assert served.get("/readyz")[0] == 200


def test_each_request_is_a_json_line_with_the_request_id_it_was_answered_with(served):
    _status, headers, _body = served.get("/subprocessors", {"X-Request-ID": "probe-1"})
    assert headers["X-Request-ID"] == "probe-1"
    line = next(line for line in served.lines() if line.get("request_id") == "probe-1")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/subprocessors", 200)
    assert line["duration_ms"] >= 0


def test_no_log_line_holds_an_email_address_whole(served):
    status = served.get(f"/unsubscribe/{ADDRESS}")[0]
    assert status == 404
    text = served.log.read_text()
    assert "d***@customer.example" in text
    assert ADDRESS not in text


def test_gunicorns_own_lines_are_json_too(served):
    assert any(line["logger"] == "gunicorn.error" for line in served.lines())


def test_metrics_add_up_the_requests_answered_by_every_gunicorn_worker(served):
    for _ in range(6):
        served.get("/healthz", {"Connection": "close"})
    _status, _headers, body = served.get("/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    count = next(
        line
        for line in body.decode().splitlines()
        if line.startswith("registry_request_duration_seconds_count")
        and 'endpoint="operations.healthz"' in line
    )
    assert float(count.split()[-1]) == served.asked["/healthz"]


def test_starting_a_process_hashes_no_password(migrated_database, tmp_path):
    spying = (
        "import hashlib\n"
        "calls = []\n"
        "scrypt = hashlib.scrypt\n"
        "hashlib.scrypt = lambda *args, **kwargs: calls.append(1) or scrypt(*args, **kwargs)\n"
        "import wsgi\n"
        "print(len(calls))\n"
    )
    environment = os.environ | {
        "DATABASE_URL": migrated_database,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    started = subprocess.run(
        [sys.executable, "-c", spying],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    assert started.stdout.strip() == "0"
