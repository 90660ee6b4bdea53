"""Change notices: an intended change to the register, announced before it takes effect.

GDPR Art. 28(2) and SCC clause 9(a) option 2: a processor with a general authorisation informs
its customers of every intended addition or replacement of a subprocessor in advance, so that
they can object before the change takes effect.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.register import Subprocessor


class ChangeKind(enum.StrEnum):
    ADDITION = "addition"
    REMOVAL = "removal"
    REPLACEMENT = "replacement"  # the subprocessor takes over from `replaced_subprocessor`
    NEW_LOCATION = "new_location"  # an active subprocessor adds `proposed_location`
    # An active subprocessor takes on new purposes or data categories (`proposed_terms`).
    NEW_PURPOSE = "new_purpose"
    # A wording fix that changes nothing of substance: published at once, with no window.
    EDITORIAL = "editorial"


class NoticeState(enum.StrEnum):
    ANNOUNCED = "announced"  # the window is open, or closed and the change not yet applied
    EFFECTIVE = "effective"
    WITHDRAWN = "withdrawn"


class ChangeNotice(db.Model):
    __tablename__ = "change_notice"
    __table_args__ = (
        sa.CheckConstraint(
            "window_days >= 1 OR (kind = 'editorial' AND window_days = 0)",
            name="window_positive_unless_editorial",
        ),
        sa.CheckConstraint("takes_effect_at >= objection_deadline", name="effect_after_deadline"),
        sa.CheckConstraint(
            "(kind = 'replacement') = (replaced_subprocessor_id IS NOT NULL)",
            name="replacement_names_the_replaced",
        ),
        sa.CheckConstraint(
            "(kind = 'new_location') = (proposed_location IS NOT NULL)",
            name="new_location_names_the_location",
        ),
        sa.CheckConstraint(
            "(kind = 'new_purpose') = (proposed_terms IS NOT NULL)",
            name="new_purpose_names_the_terms",
        ),
        sa.CheckConstraint(
            "(kind = 'editorial') = (editorial_reason IS NOT NULL)",
            name="editorial_says_why",
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int_pk]
    kind: Mapped[ChangeKind] = mapped_column(enum_by_value(ChangeKind, "change_kind"))
    state: Mapped[NoticeState] = mapped_column(enum_by_value(NoticeState, "notice_state"))
    subprocessor_id: Mapped[int] = mapped_column(sa.ForeignKey("subprocessor.id"), index=True)
    replaced_subprocessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subprocessor.id"))
    # For a new location: the location as `registry.register.values.LocationValues`, added when
    # in effect.
    proposed_location: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    # For new purposes or data categories: {"purposes": [codes], "data_categories": [codes]}.
    proposed_terms: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    # What a customer decides on, as announced (`registry.notices.decision.snapshot`): the terms
    # and each location concerned, with the facts of its transfer. None on notices announced
    # before it was kept, and on editorial ones.
    decision: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    # Why an editorial change needs no window; published with it.
    editorial_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What changes, field by field: [{"field", "before", "after"}], as announced.
    changes: Mapped[list[dict]] = mapped_column(sa.JSON)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    announced_by: Mapped[str] = mapped_column(sa.String(254))
    window_days: Mapped[int]
    objection_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    takes_effect_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # True when the window is shorter than NOTICE_WINDOW_DAYS, as a contract term allows
    # (NOTICE_WINDOW_MIN_DAYS); shown publicly with the notice.
    window_shortened: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # History only: notices announced before windows were shortened solely under a contract
    # term could give an emergency reason for a shorter window; they keep showing it.
    emergency_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The hash of the audit event that recorded the announcement: the public proof.
    announcement_hash: Mapped[str] = mapped_column(sa.String(64))
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    subprocessor: Mapped[Subprocessor] = relationship(foreign_keys=[subprocessor_id])
    replaced_subprocessor: Mapped[Subprocessor | None] = relationship(
        foreign_keys=[replaced_subprocessor_id]
    )
