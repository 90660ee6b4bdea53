"""gunicorn's settings for the web processes: `gunicorn -c gunicorn.conf.py wsgi:app`.

Read from the environment (the README's Production section lists them with the application's):
WEB_CONCURRENCY worker processes (default 2), WEB_BIND the address (default 127.0.0.1:8000),
WEB_TIMEOUT the seconds a request may take before its worker is restarted (default 30).
With LOG_FORMAT=json gunicorn's own lines are JSON lines through the application's formatter;
the application logs each request itself, with its id, so gunicorn's access log stays off.
With METRICS_ENABLED, the workers share their measurements through PROMETHEUS_MULTIPROC_DIR
(a fresh temporary folder unless it is set), emptied at start; a dead worker's files are marked.
"""

import os
import tempfile
from pathlib import Path

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# The workers' heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None
# gunicorn 24+'s control socket defaults to one path in the home folder, which a second server
# on the host would share and a container's user may not have; nothing here uses it, and
# shutting it down held the master's exit for seconds.
control_socket_disable = True


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # Only gunicorn's loggers: the application gives the root logger its own JSON handler.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "registry.operations.logs.json_formatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            # The application's own line of each request is the access log: it has the id.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": []},
    }

if _flag("METRICS_ENABLED"):
    # Set before any worker imports prometheus_client, which reads it as it is imported.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="registry-metrics-"))


def on_starting(server):
    """Forget the measurements of an earlier run: the counters start again with the server."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if _flag("METRICS_ENABLED") and directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker that exits leaves its files; its live gauges must stop counting."""
    if _flag("METRICS_ENABLED") and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
