"""Response times of the public register with 1,000 subprocessors × 3 processing locations.

Seeds a fresh SQLite database in a temporary instance folder, serves it with gunicorn on loopback,
and prints the median and 90th percentile of sequential requests to each public address, then
wrk's throughput if wrk is installed. It prints
figures; it never fails on timing.

    make bench    # or: .venv/bin/python bench/public_pages.py --subprocessors 2000
"""

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES = ["/subprocessors", "/api/v1/subprocessors", "/subprocessors.csv"]
COUNTRIES = ["DE", "FR", "LU", "BE", "NL", "IE", "FI", "US", "GB", "CH", "IN", "JP", "CA"]

# The day the bench's register is built for: the engine takes the day from its caller.
DAY = date(2026, 11, 30)


def main() -> None:
    arguments = _arguments()
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        environment = os.environ | {
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3",
        }
        seconds = _seed(environment, arguments.subprocessors)
        print(
            f"register: {arguments.subprocessors} subprocessors x 3 locations "
            f"(seeded in {seconds:.1f} s), SQLite, gunicorn with {arguments.workers} workers"
        )
        port = _free_port()
        server = _serve(environment, port, arguments.workers)
        try:
            _report(port, arguments.requests)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subprocessors", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30, help="sequential requests per address")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    return parser.parse_args()


def _seed(environment: dict, count: int) -> float:
    started = time.perf_counter()
    os.environ.update(environment)
    from flask_migrate import upgrade

    from registry import create_app
    from registry.demo import load_demo
    from registry.extensions import db
    from registry.models import (
        DataCategory,
        DataSubjectCategory,
        Entity,
        LocationRole,
        Purpose,
        RecipientCategory,
        Service,
        Subprocessor,
        SubprocessorStatus,
    )

    app = create_app()
    with app.app_context():
        upgrade()
        load_demo()
        terms = {
            kind: list(db.session.scalars(db.select(kind)))
            for kind in (RecipientCategory, Purpose, Service, DataCategory, DataSubjectCategory)
        }
        entities = list(db.session.scalars(db.select(Entity)))
        chance = random.Random(2026)
        roles = list(LocationRole)
        for number in range(count):
            countries = chance.sample(COUNTRIES, 3)
            db.session.add(
                Subprocessor(
                    name=f"Bench Subprocessor {number:05d}",
                    legal_name=f"Bench Subprocessor {number:05d} GmbH",
                    address=f"Benchstraße {number}, 10115 Berlin, Germany",
                    country_code=countries[0],
                    website=f"https://bench-{number}.example",
                    status=SubprocessorStatus.ACTIVE,
                    recipient_category=chance.choice(terms[RecipientCategory]),
                    purposes=chance.sample(terms[Purpose], 2),
                    services=chance.sample(terms[Service], 2),
                    data_categories=chance.sample(terms[DataCategory], 3),
                    data_subject_categories=chance.sample(terms[DataSubjectCategory], 2),
                    entities=chance.sample(entities, 2),
                    locations=[_location(code, chance.choice(roles)) for code in countries],
                )
            )
        db.session.commit()
        db.engine.dispose()
    return time.perf_counter() - started


def _location(code: str, role):
    from registry.models import LocationMeasure, ProcessingLocation
    from transfers.countries import is_eea
    from transfers.grounds import TransferTool

    if is_eea(code, DAY):
        return ProcessingLocation(country_code=code, role=role)
    if code in ("US", "GB", "CH", "JP", "CA"):
        return ProcessingLocation(country_code=code, role=role, transfer_tool=TransferTool.ADEQUACY)
    return ProcessingLocation(
        country_code=code,
        role=role,
        transfer_tool=TransferTool.SCC,
        scc_module=3,
        measures=[LocationMeasure(code="T-ENCRYPTED-STORAGE"), LocationMeasure(code="O-POLICIES")],
    )


def _serve(environment: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def _report(port: int, requests: int) -> None:
    print(f"\n{'address':<28}{'size':>10}{'median':>10}{'p90':>10}   ({requests} sequential)")
    for address in ADDRESSES:
        url = f"http://127.0.0.1:{port}{address}"
        for _ in range(3):
            _fetch(url)  # warm the workers
        timings, size = [], 0
        for _ in range(requests):
            started = time.perf_counter()
            size = len(_fetch(url))
            timings.append((time.perf_counter() - started) * 1000)
        p90 = statistics.quantiles(timings, n=10)[-1]
        median = statistics.median(timings)
        print(f"{address:<28}{size / 1024:>8.0f} KB{median:>8.1f} ms{p90:>8.1f} ms")
    if shutil.which("wrk"):
        print("\nwrk, 2 threads, 4 connections, 5 s:")
        for address in ADDRESSES:
            _wrk(f"http://127.0.0.1:{port}{address}")
    else:
        print("\n(wrk is not installed: apt-get install wrk for throughput figures)")


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _wrk(url: str) -> None:
    output = subprocess.run(
        ["wrk", "-t2", "-c4", "-d5s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    figures = {
        line.split()[0]: line.split()[1]
        for line in output.splitlines()
        if line.strip() and line.split()[0] in ("50%", "90%", "Requests/sec:")
    }
    print(
        f"  {url.split(':', 2)[2].split('/', 1)[1]:<26} {figures.get('Requests/sec:', '?'):>8} "
        f"requests/s, median {figures.get('50%', '?')}, p90 {figures.get('90%', '?')}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
