"""A newcomer's first page: `make run` in a fresh clone, timed until GET /subprocessors is 200.

Clones the committed HEAD of this repository into a temporary folder and runs `make run` there
with PORT set to a free port, as a newcomer would (none of the registry's settings in the
environment), using pip's cache and the package index as they are on this machine (warm after
the first install: say so when quoting the figure). The reference is measured in the same run:
the part of it spent creating the virtual environment and installing the project with pip
(until `make` touches `.venv/.installed`), which any Python project pays; what follows is the
registry's own: its translations compiled, `flask setup` (migrations, demo data) and serving.
Stops `make` and everything it started (its process group), then removes the clone. It prints
figures; it never fails on timing.

    make bench    # or: .venv/bin/python bench/make_run.py
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ROOT, free_port, stop  # noqa: E402

GOAL_SECONDS = 25
DEADLINE_SECONDS = 600
# What a newcomer's shell would not have: the settings of whoever runs the bench.
NOT_INHERITED = ("DATABASE_URL", "INSTANCE_PATH", "REDIS_URL", "PUBLIC_URL", "PYTHONPATH")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="registry-make-run-") as folder:
        clone = Path(folder) / "registry"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port = free_port()
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in NOT_INHERITED and not name.startswith(("CACHE_", "VIRTUAL_ENV"))
        }
        started = time.monotonic()
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=clone,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            installed, first_page = _watch(make, clone, port, started)
        finally:
            stop(make)
    print(
        f"make run in a fresh clone to the first 200 of /subprocessors: {first_page:.1f} s, "
        f"goal <= {GOAL_SECONDS} s: {'met' if first_page <= GOAL_SECONDS else 'not met'} "
        "(pip's cache and package index as they are on this machine)"
    )
    print(
        f"  reference, same run: python -m venv and pip install -e . {installed:.1f} s; "
        f"the registry's own part after it {first_page - installed:.1f} s; "
        f"ratio {first_page / installed:.2f}"
    )


def _watch(make: subprocess.Popen, clone: Path, port: int, started: float):
    """Seconds until the install's stamp appears, and until the first page answers 200."""
    stamp = clone / ".venv" / ".installed"
    installed = None
    while time.monotonic() - started < DEADLINE_SECONDS:
        if make.poll() is not None:
            raise SystemExit(f"make run exited with {make.returncode} before serving")
        if installed is None and stamp.exists():
            installed = time.monotonic() - started
        if _answers(port):
            now = time.monotonic() - started
            return installed if installed is not None else now, now
        time.sleep(0.1)
    raise SystemExit(f"make run served nothing within {DEADLINE_SECONDS} s")


def _answers(port: int) -> bool:
    with suppress(urllib.error.URLError, ConnectionError, TimeoutError):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/subprocessors", timeout=5) as answer:
            return answer.status == 200
    return False


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    main()
