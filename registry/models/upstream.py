"""The lists our direct subprocessors publish of the companies they engage, and the reviews of
what changed in them (EDPB Opinion 22/2024, paragraph 40: the controller keeps the chain up to
date; the processor informs it of every intended change further down)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.register import Subprocessor


class ListFormat(enum.StrEnum):
    """How a subprocessor's own list is written."""

    CSV = "csv"
    JSON = "json"
    HTML = "html"  # a table in a web page


class ReviewState(enum.StrEnum):
    """Where an editor stands with the differences a check found."""

    OPEN = "open"
    REVIEWED = "reviewed"  # acted upon: drafted, or a removal announced from the child's page
    DISMISSED = "dismissed"  # nothing to do: the list was wrong, or the change is no change


class ChainSource(db.Model):
    """Where a direct subprocessor publishes its own list: a URL read at each check, or a file
    its vendor sent, kept as its text. `mapping` says which column (CSV, or a table's header)
    or key (JSON) holds each field: {"name": …, "legal_name": …, "country": …, "activity": …}."""

    __tablename__ = "chain_source"
    __table_args__ = (
        sa.CheckConstraint(
            "url IS NOT NULL OR content IS NOT NULL", name="read_from_an_address_or_a_file"
        ),
        sa.CheckConstraint(
            "url IS NULL OR lower(url) LIKE 'https://%' OR lower(url) LIKE 'http://%'",
            name="url_http",
        ),
    )

    id: Mapped[int_pk]
    subprocessor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subprocessor.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    content: Mapped[str | None] = mapped_column(sa.Text)
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    format: Mapped[ListFormat] = mapped_column(enum_by_value(ListFormat, "chain_list_format"))
    mapping: Mapped[dict] = mapped_column(sa.JSON)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A digest of the entries last read, so that reading the same list again opens nothing.
    last_digest: Mapped[str | None] = mapped_column(sa.String(64))
    last_count: Mapped[int | None]
    # Why the last check could not read the list; none when it could.
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    subprocessor: Mapped[Subprocessor] = relationship()


class ChainReview(db.Model):
    """The differences between a subprocessor's own list and our record of its chain, for an
    editor to act upon: it drafts the companies added (then announced like any addition) and
    announces the removals from the child's page. A review never announces anything itself.

    `differences` holds {"added": [{"name", "legal_name", "country", "activity",
    "drafted_id"}], "removed": [{"id", "name", "legal_name"}]}."""

    __tablename__ = "chain_review"
    __table_args__ = (
        # One open review per subprocessor, whatever two checks do at once.
        sa.Index(
            "uq_chain_review_open",
            "subprocessor_id",
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        ),
        sa.CheckConstraint("(state = 'open') = (closed_at IS NULL)", name="closed_when_not_open"),
        NEVER_REUSED_IDS,  # in the admin area's links and the audit trail
    )

    id: Mapped[int_pk]
    subprocessor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subprocessor.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ReviewState] = mapped_column(
        enum_by_value(ReviewState, "chain_review_state"), default=ReviewState.OPEN
    )
    differences: Mapped[dict] = mapped_column(sa.JSON)
    # The digest of the list the differences were read from.
    digest: Mapped[str] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(sa.String(254))
    note: Mapped[str | None] = mapped_column(sa.String(500))

    subprocessor: Mapped[Subprocessor] = relationship()
