"""A register file uploaded for import, kept between its preview and its application."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.customers import ImportState


class RegisterImport(db.Model):
    """A register file (`registry.register_file`) previewed for import. Its document is kept
    until it is applied or its preview expires, then emptied: the register holds what was
    applied, the trail the file's SHA-256. `register_digest` is the register's as the preview
    planned against it: the file is applied only while the register is unchanged."""

    __tablename__ = "register_import"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[int_pk]
    uploaded_by: Mapped[str] = mapped_column(sa.String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict | None] = mapped_column(sa.JSON)
    register_digest: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[ImportState] = mapped_column(
        enum_by_value(ImportState, "register_import_state"), default=ImportState.PENDING
    )
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_by: Mapped[str | None] = mapped_column(sa.String(254))
    # What the application did: the counts of items by outcome.
    summary: Mapped[dict | None] = mapped_column(sa.JSON)
