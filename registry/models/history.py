"""The register's recorded history: a signed snapshot of the public register each time it
changed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import NEVER_REUSED_IDS, UTCDateTime, int_pk
from registry.extensions import db


class RegisterSnapshot(db.Model):
    """The public register as it read from `taken_at` until the next snapshot: its canonical
    document (`registry.register.state`), that document's SHA-256 and its Ed25519 signature,
    and what changed it (the audit events of the transaction that took it).

    Appended only, and only when the document differs from the latest snapshot's."""

    __tablename__ = "register_snapshot"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[int_pk]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # The exact bytes signed, as UTF-8 text: canonical JSON.
    document: Mapped[str] = mapped_column(sa.Text)
    signature: Mapped[bytes] = mapped_column(sa.LargeBinary(64))
    # The SHA-256 of the signing key's SubjectPublicKeyInfo (DER), and that public key (PEM),
    # so that a snapshot signed by an earlier key stays verifiable once the key changed.
    key_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    public_key: Mapped[str] = mapped_column(sa.Text)
    # What changed the register: [{"event_id", "action", "subject_type", "subject_id"}].
    causes: Mapped[list[dict]] = mapped_column(sa.JSON)
