"""The public register under load, each figure beside a reference measured in the same run.

Seeds a fresh SQLite register (the demo data and 1,000 subprocessors × 3 processing locations),
serves it with gunicorn as production does (`gunicorn.conf.py`, two workers, loopback), and
beside it a constant-response Flask app (`bench/reference_app.py`) under the same settings that
answers each address with the bytes the project answered there. Then:

- throughput of the cached public answers: wrk rounds, project and reference interleaved so that
  whatever else the machine does hits both, with the ratio and the goal (≥ 0.8 × the reference);
- conditional GETs of every public page and file (goal: 304), and no cookie with `?lang=en`;
- cold `/subprocessors` (a second server with `CACHE_ENTRIES=0`): median and p90 of sequential
  requests (goal ≤ 100 ms) beside the reference's median for the same bytes;
- a register of 10,000 × 3: the size of the default `/subprocessors` (goal ≤ 300 KB) and its
  cold median.

It prints figures; it never fails on timing.

    make bench    # or: .venv/bin/python bench/public_pages.py --subprocessors 2000
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import conditional, serving  # noqa: E402
from bench.register_seed import seed  # noqa: E402

# The cached addresses whose throughput is measured, and the goal where it names one.
THROUGHPUT = [
    ("/subprocessors", 0.8),
    ("/api/v1/subprocessors", 0.8),
    ("/subprocessors.csv", None),
    ("/transfers", None),
    ("/changes", None),
    ("/feeds/changes.atom", 0.8),
    ("/feeds/changes.rss", 0.8),
    ("/feeds/changes.json", 0.8),
]
COLD_GOAL_MS = 100
LARGE_PAGE_GOAL_KB = 300


def main() -> None:
    arguments = _arguments()
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        environment = _environment(instance)
        seeded = seed(environment, arguments.subprocessors)
        print(
            f"register: {arguments.subprocessors} subprocessors x 3 locations (seeded in "
            f"{seeded.seconds:.1f} s), SQLite; gunicorn -c gunicorn.conf.py, "
            f"{arguments.workers} workers, for the project and the reference alike"
        )
        addresses = _public_addresses() + seeded.addresses_with_ids
        with serving.gunicorn("wsgi:app", environment, arguments.workers) as project:
            bodies = _capture(project, Path(instance) / "bodies")
            reference_environment = os.environ | {"REFERENCE_BODIES": str(bodies)}
            with serving.gunicorn(
                "bench.reference_app:app", reference_environment, arguments.workers
            ) as reference:
                _throughput(project, reference, arguments)
                conditional.report([conditional.check(project, path) for path in addresses])
                cold_environment = environment | {"CACHE_ENTRIES": "0"}
                with serving.gunicorn("wsgi:app", cold_environment, arguments.workers) as cold:
                    _cold(cold, reference, arguments.requests, arguments.workers)
    if arguments.large:
        _large(arguments)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subprocessors", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000, help="0 skips the large register")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per address and side")
    parser.add_argument("--seconds", type=int, default=2, help="length of one wrk round")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections")
    parser.add_argument("--requests", type=int, default=10, help="sequential cold requests")
    parser.add_argument(
        "--addresses",
        nargs="+",
        default=[address for address, _goal in THROUGHPUT],
        choices=[address for address, _goal in THROUGHPUT],
        help="the cached addresses whose throughput is measured",
    )
    return parser.parse_args()


def _environment(instance: str) -> dict:
    return os.environ | {
        "INSTANCE_PATH": instance,
        "SECRET_KEY": "bench",
        "AUDIT_KEY": "bench",
        "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3",
    }


def _public_addresses() -> list[str]:
    from registry import create_app

    return conditional.public_addresses_without_arguments(create_app())


def _capture(project: str, folder: Path) -> Path:
    """The project's answer at each measured address, as the reference will serve it."""
    folder.mkdir()
    index = {}
    for number, (address, _goal) in enumerate(THROUGHPUT):
        body, content_type = serving.fetch(project + address)
        (folder / f"{number}.body").write_bytes(body)
        index[address] = [f"{number}.body", content_type]
    (folder / "index.json").write_text(json.dumps(index))
    return folder


def _throughput(project: str, reference: str, arguments) -> None:
    if serving.WRK is None:
        print("\nthroughput: skipped, wrk is missing (apt-get install wrk)")
        return
    print(
        f"\nthroughput, cached: wrk -t2 -c{arguments.connections}, {arguments.rounds} rounds of "
        f"{arguments.seconds} s per address and side, interleaved; median of the rounds"
    )
    print(
        f"{'address':<24}{'size':>10}{'project req/s':>15}{'reference req/s':>17}"
        f"{'ratio':>8}{'goal':>8}   verdict"
    )
    for address, goal in THROUGHPUT:
        if address not in arguments.addresses:
            continue
        figures = {project: [], reference: []}
        for round_number in range(arguments.rounds):
            sides = [project, reference] if round_number % 2 == 0 else [reference, project]
            for side in sides:
                rate = serving.throughput(side + address, arguments.seconds, arguments.connections)
                figures[side].append(rate)
        ours, theirs = (statistics.median(figures[side]) for side in (project, reference))
        ratio = ours / theirs
        size = len(serving.fetch(project + address)[0]) / 1024
        verdict = "-" if goal is None else ("met" if ratio >= goal else "not met")
        goal_shown = "-" if goal is None else f">={goal}"
        print(
            f"{address:<24}{size:>7.0f} KB{ours:>15.0f}{theirs:>17.0f}{ratio:>8.2f}"
            f"{goal_shown:>8}   {verdict}"
        )


def _cold(cold: str, reference: str, requests: int, workers: int) -> None:
    """Sequential requests, the project without its cache and the reference alternating."""
    for _ in range(2 * workers):  # each worker's first answer compiles templates: warm them
        serving.fetch(cold + "/subprocessors")
        serving.fetch(reference + "/subprocessors")
    ours, theirs = [], []
    for _ in range(requests):
        ours += serving.sequential(cold + "/subprocessors", 1)
        theirs += serving.sequential(reference + "/subprocessors", 1)
    median, p90 = serving.median_p90(ours)
    reference_median, _p90 = serving.median_p90(theirs)
    print(
        f"\ncold /subprocessors (CACHE_ENTRIES=0), {requests} sequential requests: median "
        f"{median:.0f} ms, p90 {p90:.0f} ms; reference, same bytes: median "
        f"{reference_median:.1f} ms; ratio {median / reference_median:.1f}; goal median <= "
        f"{COLD_GOAL_MS} ms: {'met' if median <= COLD_GOAL_MS else 'not met'}"
    )


def _large(arguments) -> None:
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        # A page of this size may take longer than production's 30 s limit to render today.
        environment = _environment(instance) | {"CACHE_ENTRIES": "0", "WEB_TIMEOUT": "300"}
        seeded = seed(environment, arguments.large)
        with serving.gunicorn("wsgi:app", environment, arguments.workers) as cold:
            timings, size = [], 0
            # Up to 3 requests, fewer once they have taken 30 s: the bench stays a few minutes.
            while len(timings) < 3 and sum(timings) < 30_000:
                started = time.perf_counter()
                size = len(serving.fetch(cold + "/subprocessors")[0]) / 1024
                timings.append((time.perf_counter() - started) * 1000)
    median, p90 = serving.median_p90(timings)
    print(
        f"\n{arguments.large} subprocessors x 3 locations (seeded in {seeded.seconds:.0f} s): "
        f"default /subprocessors {size:,.0f} KB, goal <= {LARGE_PAGE_GOAL_KB} KB: "
        f"{'met' if size <= LARGE_PAGE_GOAL_KB else 'not met'}; cold median of {len(timings)} "
        f"{median:,.0f} ms, p90 {p90:,.0f} ms"
    )


if __name__ == "__main__":
    main()
