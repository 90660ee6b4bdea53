"""Servers and load for the benches: gunicorn as production runs it, and wrk.

Every server is started with the project's `gunicorn.conf.py` (its worker count through
WEB_CONCURRENCY, its address through WEB_BIND, on loopback), in a process group of its own, so
that stopping it leaves no worker behind. The project and the constant-response reference are
started by the same function: the only difference between them is the application.
"""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(application: str, environment: dict, workers: int):
    """Serve `application` (module:name) with gunicorn.conf.py; yields its base URL."""
    port = free_port()
    settings = environment | {
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level", "warning"]
        + [application],
        cwd=ROOT,
        env=settings,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, then SIGKILL if it is still there after 15 s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start within 60 s")


def fetch(url: str) -> tuple[bytes, str]:
    """The body and the Content-Type of a GET that must answer 200."""
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read(), response.headers.get("Content-Type", "")


def sequential(url: str, requests: int) -> list[float]:
    """Milliseconds of each of `requests` GETs made one after the other."""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def median_p90(timings: list[float]) -> tuple[float, float]:
    if len(timings) < 2:
        return timings[0], timings[0]
    return statistics.median(timings), statistics.quantiles(timings, n=10, method="inclusive")[-1]


def throughput(url: str, seconds: int, connections: int) -> float:
    """wrk's requests per second over `seconds` with two threads and `connections`."""
    output = subprocess.run(
        [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk had failed requests on {url}:\n{output}")
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise SystemExit(f"wrk printed no Requests/sec for {url}:\n{output}")
