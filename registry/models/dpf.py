"""The Data Privacy Framework List as last imported: each import, and the entries it holds.

The list is kept by the US Department of Commerce (International Trade Administration); an
organisation on it, active, within the scope of its certification, is what Commission
Implementing Decision (EU) 2023/1795, Art. 1, asks of a US importer. A saved copy is imported
from the command line (`registry.dpf`); each import replaces the entries of the one before, and
the imports themselves are kept, with the hash of each file, as the record of what was checked.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import UTCDateTime, int_pk
from registry.extensions import db


class DpfListImport(db.Model):
    """One saved copy of the list, imported: the file's name and SHA-256, who imported it, when,
    and how many entries it held."""

    __tablename__ = "dpf_list_import"
    __table_args__ = (sa.CheckConstraint("entry_count >= 0", name="entry_count_not_negative"),)

    id: Mapped[int_pk]
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    imported_by: Mapped[str] = mapped_column(sa.String(254))
    entry_count: Mapped[int]


class DpfListEntry(db.Model):
    """An organisation's entry as the imported list gives it."""

    __tablename__ = "dpf_list_entry"

    id: Mapped[int_pk]
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dpf_list_import.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]  # its line in the file, for the reader who opens it
    organisation: Mapped[str] = mapped_column(sa.String(500))
    # The name without case, accents, spaces or punctuation: what a subprocessor is matched by.
    matching_name: Mapped[str] = mapped_column(sa.String(500), index=True)
    status: Mapped[str] = mapped_column(sa.String(100))  # as the list words it
    active: Mapped[bool]
    covers_hr: Mapped[bool]
    covers_non_hr: Mapped[bool]
    # The frameworks as the list names them; None when the file has no such column.
    frameworks: Mapped[str | None] = mapped_column(sa.String(500))
    # Whether they include the EU-U.S. DPF (the one decision 2023/1795 recognises); None when
    # the file does not say.
    eu_us: Mapped[bool | None]
    next_recertification: Mapped[date | None]
