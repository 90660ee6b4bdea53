"""What the processes say of themselves: each outbox worker's last heartbeat, which `/readyz`
reads to tell whether the emails and due changes are being taken care of."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import UTCDateTime
from registry.extensions import db


class WorkerHeartbeat(db.Model):
    """A worker process, by host and process id, and when it last finished a loop."""

    __tablename__ = "worker_heartbeat"

    worker: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
