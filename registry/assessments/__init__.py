"""Recording, reviewing and approving transfer impact assessments; what they say of a transfer.

The workflow: `start` opens the next version of a transfer's assessment (prefilled from the
register, or copied from the version before), `update` edits a draft, `submit` sends it for
review, `send_back` returns it to its author with a comment, and `approve` (an admin other than
the author) makes it the assessment the transfer relies on, superseding the one before. Every
step is on the audit trail in the same transaction. The caller commits.

`on_record` gives the verdicts (`transfers.verdicts`) the approved assessment of each transfer,
with whether the register's facts have moved on since.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from registry import audit, clock
from registry.assessments.facts import (
    add_months,
    fingerprint,
    laws_fingerprint,
    missing_parts,
    needs_assessment,
    plain,
    register_facts,
    series,
)
from registry.assessments.values import (
    EDITABLE,
    AssessmentError,
    AssessmentIncomplete,
    AssessmentValues,
    check_values,
)
from registry.extensions import db
from registry.models import (
    AssessmentState,
    AuditEvent,
    ProcessingLocation,
    TransferAssessment,
)
from transfers import laws


def start(location: ProcessingLocation, actor: str) -> TransferAssessment:
    """Open the next version: a copy of the latest one, or a first draft prefilled from the
    register. Raises AssessmentError if the transfer needs none or a version is still open."""
    _lock(location)
    if not needs_assessment(location):
        raise AssessmentError(
            _(
                "Only a transfer under SCCs or BCRs to a country without adequacy needs an impact "
                "assessment."
            )
        )
    versions = series(location)
    open_version = next((v for v in versions if not v.settled), None)
    if open_version is not None:
        raise AssessmentError(
            _(
                "Version %(version)d of this assessment is still open; finish it first.",
                version=open_version.version,
            )
        )
    now = clock.now()
    mapped, ground = register_facts(location)
    assessment = TransferAssessment(
        location=location,
        version=versions[0].version + 1 if versions else 1,
        state=AssessmentState.DRAFT,
        author=actor,
        created_at=now,
        updated_at=now,
        mapped=mapped,
        ground=ground,
        facts_fingerprint=fingerprint(mapped, ground),
        laws_fingerprint=laws_fingerprint(location.country_code),
    )
    if versions:
        for name in EDITABLE:
            setattr(assessment, name, getattr(versions[0], name))
        assessment.law_findings = _findings_for_catalogue(versions[0].law_findings, location)
    else:
        _prefill(assessment, location)
    db.session.add(assessment)
    _flush_or_conflict()
    audit.record(
        actor,
        "assessment.started",
        "transfer_assessment",
        assessment.id,
        after=snapshot(assessment),
    )
    return assessment


def update(assessment: TransferAssessment, values: AssessmentValues, actor: str) -> None:
    """Change a draft. Raises AssessmentError for a version that is not a draft or values the
    assessment cannot hold."""
    _lock(assessment.location)
    db.session.refresh(assessment)
    if assessment.state is not AssessmentState.DRAFT:
        raise AssessmentError(
            _("Only a draft can be edited; revising an approved assessment starts a new version.")
        )
    check_values(values, assessment.location)
    before = snapshot(assessment)
    for name in EDITABLE:
        value = getattr(values, name)
        setattr(assessment, name, list(value) if isinstance(value, tuple) else value)
    _refresh_facts(assessment)
    assessment.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "assessment.updated",
        "transfer_assessment",
        assessment.id,
        **_changed(before, snapshot(assessment)),
    )


def submit(assessment: TransferAssessment, actor: str) -> None:
    """Send a complete draft for review. Raises AssessmentIncomplete with what is missing."""
    _lock(assessment.location)
    db.session.refresh(assessment)
    if assessment.state is not AssessmentState.DRAFT:
        raise AssessmentError(_("Only a draft can be sent for review."))
    _refresh_facts(assessment)
    missing = missing_parts(assessment)
    if missing:
        raise AssessmentIncomplete(missing)
    assessment.state = AssessmentState.IN_REVIEW
    assessment.submitted_by, assessment.submitted_at = actor, clock.now()
    assessment.review_comment = None
    db.session.flush()
    audit.record(
        actor,
        "assessment.submitted",
        "transfer_assessment",
        assessment.id,
        before={"state": "draft"},
        after={"state": "in_review", "facts_fingerprint": assessment.facts_fingerprint},
    )


def send_back(assessment: TransferAssessment, actor: str, comment: str) -> None:
    """Return a version in review to its draft state, saying why."""
    _lock(assessment.location)
    db.session.refresh(assessment)
    if assessment.state is not AssessmentState.IN_REVIEW:
        raise AssessmentError(_("Only an assessment in review can be sent back."))
    if not comment.strip():
        raise AssessmentError(_("Say what the author should change."))
    assessment.state = AssessmentState.DRAFT
    assessment.review_comment = comment.strip()
    db.session.flush()
    audit.record(
        actor,
        "assessment.sent_back",
        "transfer_assessment",
        assessment.id,
        before={"state": "in_review"},
        after={"state": "draft", "review_comment": assessment.review_comment},
    )


def discard(assessment: TransferAssessment, actor: str) -> None:
    """Delete a version that was never approved (started by mistake, or no longer needed); the
    audit trail keeps what it said."""
    _lock(assessment.location)
    db.session.refresh(assessment)
    if assessment.settled:
        raise AssessmentError(_("An approved assessment is evidence and is never deleted."))
    before = snapshot(assessment)
    db.session.delete(assessment)
    db.session.flush()
    audit.record(actor, "assessment.discarded", "transfer_assessment", assessment.id, before=before)


def contributors(assessment: TransferAssessment) -> set[str]:
    """Who wrote the version: its author, whoever saved a change to it or sent it for review."""
    actors = db.session.scalars(
        sa.select(AuditEvent.actor).where(
            AuditEvent.subject_type == "transfer_assessment",
            AuditEvent.subject_id == str(assessment.id),
            AuditEvent.action.in_(
                ("assessment.started", "assessment.updated", "assessment.submitted")
            ),
        )
    )
    return {assessment.author, *filter(None, [assessment.submitted_by]), *actors}


def approve(assessment: TransferAssessment, actor: str) -> None:
    """Approve a version in review: it becomes the one the transfer relies on, the version
    approved before it is superseded, and the next review is due after its interval.

    Raises AssessmentError when the approver is its author (four eyes) or when the register's
    facts changed after it was sent for review (it is then sent back to be looked at again).
    """
    location = _lock(assessment.location)
    db.session.refresh(assessment)
    if assessment.state is not AssessmentState.IN_REVIEW:
        raise AssessmentError(_("Only an assessment in review can be approved."))
    if actor in contributors(assessment):
        raise AssessmentError(
            _("Another admin must approve an assessment you wrote, edited or sent for review.")
        )
    mapped, ground = register_facts(location)
    if laws_fingerprint(location.country_code) != assessment.laws_fingerprint:
        raise AssessmentError(
            _(
                "The catalogue's laws of this country changed after this version was sent for "
                "review; send it back so that its author can check step 3 again."
            )
        )
    if fingerprint(mapped, ground) != assessment.facts_fingerprint:
        raise AssessmentError(
            _(
                "The register changed after this version was sent for review; send it back so "
                "that its author can check step 1 and step 2 again."
            )
        )
    now = clock.now()
    for earlier in series(location):
        if earlier.state is AssessmentState.APPROVED:
            earlier.state, earlier.superseded_at = AssessmentState.SUPERSEDED, now
            after = {"state": "superseded", "by_version": assessment.version}
            audit.record(
                actor,
                "assessment.superseded",
                "transfer_assessment",
                earlier.id,
                before={"state": "approved"},
                after=after,
            )
    assessment.state = AssessmentState.APPROVED
    assessment.approved_by, assessment.approved_at = actor, now
    assessment.next_review_on = add_months(clock.local_date(now), assessment.review_interval_months)
    _flush_or_conflict()
    audit.record(
        actor,
        "assessment.approved",
        "transfer_assessment",
        assessment.id,
        before={"state": "in_review"},
        after=snapshot(assessment),
    )


def snapshot(assessment: TransferAssessment) -> dict:
    """The version as the audit trail and the JSON export record it."""
    return {
        "location_id": assessment.location_id,
        "version": assessment.version,
        "state": assessment.state.value,
        "author": assessment.author,
        "mapped": assessment.mapped,
        "ground": assessment.ground,
        "facts_fingerprint": assessment.facts_fingerprint,
        **{name: plain(getattr(assessment, name)) for name in EDITABLE},
        "approved_by": assessment.approved_by,
        "approved_at": assessment.approved_at.isoformat() if assessment.approved_at else None,
        "next_review_on": plain(assessment.next_review_on),
    }


# What `register_facts` reads of a location, loaded at once for many.


def _prefill(assessment: TransferAssessment, location: ProcessingLocation) -> None:
    """A first draft: a finding to write for each law of the destination, the location's
    measures to describe, and the SCC details the register holds."""
    assessment.law_findings = _findings_for_catalogue([], location)
    assessment.measures = [
        {"code": measure.code, "implementation": ""} for measure in location.measures
    ]
    assessment.scc_signed_on = location.scc_signed_on
    assessment.risk_paths = []


def _findings_for_catalogue(findings: list[dict], location: ProcessingLocation) -> list[dict]:
    """One finding per law the catalogue holds for the destination, in its order: those
    already written kept, a new law to be assessed (taken to reach the transfer until the
    assessor says otherwise), a law no longer in the catalogue left out."""
    written = {finding["law"]: finding for finding in findings}
    return [
        written.get(entry.code, {"law": entry.code, "applies": True, "finding": ""})
        for entry in laws.laws_of(location.country_code)
    ]


def _refresh_facts(assessment: TransferAssessment) -> None:
    mapped, ground = register_facts(assessment.location)
    assessment.mapped, assessment.ground = mapped, ground
    assessment.facts_fingerprint = fingerprint(mapped, ground)
    assessment.laws_fingerprint = laws_fingerprint(assessment.location.country_code)


def _flush_or_conflict() -> None:
    """Write the session's changes; a version opened or approved by someone else at the same
    moment (the unique indexes on open and approved versions) is an AssessmentError."""
    try:
        db.session.flush()
    except IntegrityError:
        raise AssessmentError(
            _("Someone else changed this assessment at the same moment; reload the page.")
        ) from None


def _lock(location: ProcessingLocation) -> ProcessingLocation:
    """Take the location's row lock (PostgreSQL): two approvals of one series, or an approval
    and a new version, happen one after the other."""
    db.session.refresh(location, with_for_update=True)
    return location


def _changed(before: dict, after: dict) -> dict:
    """Only the fields that changed, before and after."""
    names = [name for name in after if before.get(name) != after[name]]
    return {
        "before": {name: before.get(name) for name in names},
        "after": {name: after[name] for name in names},
    }
