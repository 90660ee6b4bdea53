"""Transfer impact assessments (TIAs): SCC clause 14 and EDPB Recommendations 01/2020.

One assessment series per transfer (a processing location outside the EEA relying on an Art. 46
tool), in numbered versions. A version is written as a draft, sent for review, and approved by
an admin other than its author; the approval supersedes the version approved before it. An
approved or superseded version is never changed again: revising it starts the next version.

The six steps of the Recommendations are the column groups below. What the register says of the
transfer (step 1's mapping, step 2's tool) is copied in as it stood when the version was last
saved, with a fingerprint, so the registry can tell when the facts moved on.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import NEVER_REUSED_IDS, UTCDateTime, enum_by_value, int_pk
from registry.extensions import db
from registry.models.register import ProcessingLocation
from transfers.risk import LONGEST_PERIOD, Conclusion


class AssessmentState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


# The states in which a version can no longer change.
SETTLED = (AssessmentState.APPROVED, AssessmentState.SUPERSEDED)
LONGEST_REVIEW_INTERVAL = 36  # months


class TransferAssessment(db.Model):
    __tablename__ = "transfer_assessment"
    __table_args__ = (
        sa.UniqueConstraint("location_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            f"review_interval_months BETWEEN 1 AND {LONGEST_REVIEW_INTERVAL}",
            name="review_interval_range",
        ),
        sa.CheckConstraint(f"risk_years BETWEEN 1 AND {LONGEST_PERIOD}", name="risk_years_range"),
        sa.CheckConstraint(
            "(state IN ('approved', 'superseded')) = (approved_at IS NOT NULL AND approved_by IS "
            "NOT NULL AND next_review_on IS NOT NULL AND conclusion IS NOT NULL)",
            name="approved_with_approver",
        ),
        sa.CheckConstraint(
            "approved_by IS NULL OR (approved_by <> author AND approved_by <> submitted_by)",
            name="four_eyes",
        ),
        sa.CheckConstraint(
            "(state = 'superseded') = (superseded_at IS NOT NULL)", name="superseded_when"
        ),
        # One version open and one approved per transfer, whatever two requests do at once.
        sa.Index(
            "uq_transfer_assessment_open_version",
            "location_id",
            unique=True,
            sqlite_where=sa.text("state IN ('draft', 'in_review')"),
            postgresql_where=sa.text("state IN ('draft', 'in_review')"),
        ),
        sa.Index(
            "uq_transfer_assessment_approved_version",
            "location_id",
            unique=True,
            sqlite_where=sa.text("state = 'approved'"),
            postgresql_where=sa.text("state = 'approved'"),
        ),
        NEVER_REUSED_IDS,  # in the admin area's links and the audit trail
    )

    id: Mapped[int_pk]
    # An assessment is evidence: the location it assessed cannot be deleted under it.
    location_id: Mapped[int] = mapped_column(
        sa.ForeignKey("processing_location.id", ondelete="RESTRICT"), index=True
    )
    version: Mapped[int]
    state: Mapped[AssessmentState] = mapped_column(
        enum_by_value(AssessmentState, "assessment_state"), default=AssessmentState.DRAFT
    )
    author: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str | None] = mapped_column(sa.String(254))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(sa.Text)  # why it was sent back
    approved_by: Mapped[str | None] = mapped_column(sa.String(254))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_review_on: Mapped[date | None] = mapped_column(sa.Date)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Step 1, the transfer as mapped: the register's facts (copied) and the assessor's words.
    mapped: Mapped[dict] = mapped_column(sa.JSON)
    facts_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    # A hash of the catalogue's entries for the destination (transfers.laws) as last saved: a
    # change of the law there re-opens the assessment (SCC clause 14(e)).
    laws_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    data_format: Mapped[str] = mapped_column(sa.Text, default="")
    onward_transfers: Mapped[str] = mapped_column(sa.Text, default="")
    access_from: Mapped[str] = mapped_column(sa.Text, default="")
    # Step 2, the transfer tool relied on (copied from the location's ground).
    ground: Mapped[dict] = mapped_column(sa.JSON)
    # Step 3, the law and practice of the destination: per law of `transfers.laws`,
    # {"law": code, "applies": bool, "finding": text}; and the practice, incl. the importer's
    # documented experience of requests.
    law_findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    practice_findings: Mapped[str] = mapped_column(sa.Text, default="")
    # Step 4, the supplementary measures: [{"code": catalogue code, "implementation": text}].
    measures: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Step 5, the procedural steps. Measures that contradict or modify the SCCs (or BCRs) take
    # the transfer outside them: it then needs the supervisory authority's authorisation
    # (Art. 46(3)(a) GDPR; EDPB Recommendations 01/2020, Step 5).
    scc_signed_on: Mapped[date | None] = mapped_column(sa.Date)
    docking_clause: Mapped[bool] = mapped_column(default=False)  # SCC clause 7
    modifies_clauses: Mapped[bool] = mapped_column(default=False)
    authorisation: Mapped[str] = mapped_column(sa.Text, default="")
    procedural_notes: Mapped[str] = mapped_column(sa.Text, default="")
    # Step 6, re-evaluation.
    review_interval_months: Mapped[int] = mapped_column(default=12)
    # The risk figure's inputs (transfers.risk): [{"law", "request", "covers", "in_clear"}].
    risk_years: Mapped[int] = mapped_column(default=5)
    risk_paths: Mapped[list] = mapped_column(sa.JSON, default=list)
    conclusion: Mapped[Conclusion | None] = mapped_column(
        enum_by_value(Conclusion, "assessment_conclusion")
    )
    reasoning: Mapped[str] = mapped_column(sa.Text, default="")

    location: Mapped[ProcessingLocation] = relationship()

    @property
    def settled(self) -> bool:
        return self.state in SETTLED

    def __repr__(self) -> str:
        return f"<TransferAssessment location {self.location_id} v{self.version} {self.state}>"
