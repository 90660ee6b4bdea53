"""The worker's heartbeat: each worker process keeps one row with the time it last began a
loop; `/readyz` reads the newest."""

import os
import socket
from datetime import timedelta

import sqlalchemy as sa

from registry import clock
from registry.extensions import db
from registry.models import WorkerHeartbeat


def this_worker() -> str:
    """The name of this worker process: its host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


# A worker run from cron (`worker --once`) leaves its row behind; rows this old go.
FORGOTTEN_AFTER = timedelta(days=1)


def beat(worker: str) -> None:
    """Record that `worker` is alive now, and forget the workers silent for a day. The caller
    commits."""
    now = clock.now()
    db.session.execute(
        sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGOTTEN_AFTER)
    )
    updated = db.session.execute(
        sa.update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(beat_at=now)
    )
    if updated.rowcount == 0:
        db.session.add(WorkerHeartbeat(worker=worker, beat_at=now))
        db.session.flush()


def stop(worker: str) -> None:
    """Forget a worker that stops. The caller commits."""
    db.session.execute(sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))


def newest_age() -> timedelta | None:
    """How long ago the newest heartbeat was recorded; None if no worker ever beat."""
    newest = db.session.scalar(sa.select(sa.func.max(WorkerHeartbeat.beat_at)))
    return None if newest is None else clock.now() - newest
