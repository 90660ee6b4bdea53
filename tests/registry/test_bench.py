"""The public pages bench still runs and prints its figures beside their references: a tiny
register, one round of one second, so that the bench cannot rot between `make bench` runs."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.processes,
    pytest.mark.bench,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing (apt-get install wrk)"),
]

ROOT = Path(__file__).resolve().parents[2]
# The bench makes its own SQLite register and keeps its answers in each process.
NOT_PASSED = ("DATABASE_URL", "REDIS_URL", "INSTANCE_PATH", "CACHE_ENTRIES")


@pytest.fixture(scope="module")
def printed() -> str:
    environment = {name: value for name, value in os.environ.items() if name not in NOT_PASSED}
    arguments = ["--subprocessors", "20", "--large", "0", "--seconds", "1", "--rounds", "1"]
    arguments += ["--workers", "1"]
    arguments += ["--requests", "2", "--addresses", "/subprocessors", "/feeds/changes.atom"]
    finished = subprocess.run(
        [sys.executable, "bench/public_pages.py", *arguments],
        cwd=ROOT,
        env=environment | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return finished.stdout


def _row(printed: str, address: str) -> list[str]:
    return next(line.split() for line in printed.splitlines() if line.startswith(address + " "))


def test_the_throughput_table_prints_the_project_the_reference_and_their_ratio(printed):
    header = next(
        line for line in printed.splitlines() if line.startswith("address") and "ratio" in line
    )
    assert header.split()[-4:] == ["req/s", "ratio", "goal", "verdict"]
    size, unit, ours, theirs, ratio, goal, _verdict = _row(printed, "/subprocessors")[1:8]
    assert float(ratio) == pytest.approx(float(ours) / float(theirs), abs=0.01)
    assert goal == ">=0.8"


def test_every_cached_public_page_answers_a_conditional_get_with_304(printed):
    assert _row(printed, "/feeds/changes.rss")[1:4] == ["200", "304", "304"]
    assert any(
        line.startswith("/subprocessors/") and " 304 " in line for line in printed.splitlines()
    )
    assert "304 on conditional GET:" in printed


def test_the_cold_page_is_printed_beside_the_reference_and_the_goal(printed):
    cold = next(line for line in printed.splitlines() if line.startswith("cold /subprocessors"))
    assert "reference, same bytes: median" in cold and "goal median <= 100 ms" in cold
