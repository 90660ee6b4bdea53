"""Recording, reviewing and approving transfer impact assessments; what they say of a transfer.

The workflow: `start` opens the next version of a transfer's assessment (prefilled from the
register, or copied from the version before), `update` edits a draft, `submit` sends it for
review, `send_back` returns it to its author with a comment, and `approve` (an admin other than
the author) makes it the assessment the transfer relies on, superseding the one before. Every
step is on the audit trail in the same transaction. The caller commits.

`on_record` gives the verdicts (`transfers.verdicts`) the approved assessment of each transfer,
with whether the register's facts have moved on since.
"""

import calendar
import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from registry import audit, clock, instants
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    AssessmentState,
    AuditEvent,
    ProcessingLocation,
    Subprocessor,
    TransferAssessment,
)
from registry.models.assessments import LONGEST_REVIEW_INTERVAL, SETTLED
from registry.transfer_facts import location_facts
from transfers import laws
from transfers.grounds import TransferTool
from transfers.measures import catalogue
from transfers.risk import LONGEST_PERIOD, AccessPath, Conclusion, RiskFigure, RiskInputError
from transfers.risk import assess as assess_risk
from transfers.verdicts import AssessmentOnRecord, TransferFacts, assessment_needed

# The Art. 46 tools whose transfers need an assessment (SCC clause 14; BCRs after Schrems II).
ASSESSED_TOOLS = (TransferTool.SCC, TransferTool.BCR)


class AssessmentError(DomainError):
    """The step asked for cannot be taken; the message says why."""


class AssessmentIncomplete(AssessmentError):
    """A draft that cannot go to review yet; `missing` lists what it lacks, in plain words."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("This assessment is not complete yet."))
        self.missing = missing


@dataclass(frozen=True)
class AssessmentValues:
    """What the assessor writes, as a form gives it."""

    data_format: str = ""
    onward_transfers: str = ""
    access_from: str = ""
    law_findings: tuple[dict, ...] = ()  # {"law", "applies", "finding"}
    practice_findings: str = ""
    measures: tuple[dict, ...] = ()  # {"code", "implementation"}
    scc_signed_on: date | None = None
    docking_clause: bool = False
    modifies_clauses: bool = False
    authorisation: str = ""
    procedural_notes: str = ""
    review_interval_months: int = 12
    risk_years: int = 5
    risk_paths: tuple[dict, ...] = ()  # {"law", "request", "covers", "in_clear"}
    conclusion: Conclusion | None = None
    reasoning: str = ""


# The fields an assessor edits, in the order of the steps.
EDITABLE = tuple(AssessmentValues.__dataclass_fields__)


def needs_assessment(location: ProcessingLocation, on: date | None = None) -> bool:
    """Whether the location's transfer relies on SCCs or BCRs to a country whose law must be
    assessed: not the EEA, not an adequate country, not an importer a partial decision covers."""
    if location.transfer_tool not in ASSESSED_TOOLS:
        return False
    return assessment_needed(transfer_facts(location), on or clock.today())


def transfer_facts(
    location: ProcessingLocation, assessment: AssessmentOnRecord | None = None
) -> TransferFacts:
    """What the verdicts judge of a location's transfer (its subprocessor and measures loaded)."""
    measures = [measure.code for measure in location.measures]
    return location_facts(location, location.subprocessor, measures, assessment)


def series(location: ProcessingLocation) -> list[TransferAssessment]:
    """Every version of the location's assessment, newest first."""
    return list(
        db.session.scalars(
            sa.select(TransferAssessment)
            .where(TransferAssessment.location_id == location.id)
            .order_by(TransferAssessment.version.desc())
        )
    )


def start(location: ProcessingLocation, actor: str) -> TransferAssessment:
    """Open the next version: a copy of the latest one, or a first draft prefilled from the
    register. Raises AssessmentError if the transfer needs none or a version is still open."""
    _lock(location)
    if not needs_assessment(location):
        raise AssessmentError(
            _(
                "Only a transfer under SCCs or BCRs to a country without adequacy needs an impact "
                "assessment."
            )  # fmt: skip
        )
    versions = series(location)
    open_version = next((v for v in versions if not v.settled), None)
    if open_version is not None:
        raise AssessmentError(
            _(
                "Version %(version)d of this assessment is still open; finish it first.",
                version=open_version.version,
            )  # fmt: skip
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
    audit.record(actor, "assessment.started", "transfer_assessment", assessment.id,
                 after=snapshot(assessment))  # fmt: skip
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
    _check(values, assessment.location)
    before = snapshot(assessment)
    for name in EDITABLE:
        value = getattr(values, name)
        setattr(assessment, name, list(value) if isinstance(value, tuple) else value)
    _refresh_facts(assessment)
    assessment.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "assessment.updated", "transfer_assessment", assessment.id,
                 **_changed(before, snapshot(assessment)))  # fmt: skip


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
    audit.record(actor, "assessment.submitted", "transfer_assessment", assessment.id,
                 before={"state": "draft"}, after={"state": "in_review",
                 "facts_fingerprint": assessment.facts_fingerprint})  # fmt: skip


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
    audit.record(actor, "assessment.sent_back", "transfer_assessment", assessment.id,
                 before={"state": "in_review"},
                 after={"state": "draft", "review_comment": assessment.review_comment})  # fmt: skip


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
    audit.record(actor, "assessment.discarded", "transfer_assessment", assessment.id,
                 before=before)  # fmt: skip


def contributors(assessment: TransferAssessment) -> set[str]:
    """Who wrote the version: its author, whoever saved a change to it or sent it for review."""
    actors = db.session.scalars(
        sa.select(AuditEvent.actor).where(
            AuditEvent.subject_type == "transfer_assessment",
            AuditEvent.subject_id == str(assessment.id),
            AuditEvent.action.in_(
                ("assessment.started", "assessment.updated", "assessment.submitted")
            ),  # fmt: skip
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
            )  # fmt: skip
        )
    if fingerprint(mapped, ground) != assessment.facts_fingerprint:
        raise AssessmentError(
            _(
                "The register changed after this version was sent for review; send it back so "
                "that its author can check step 1 and step 2 again."
            )  # fmt: skip
        )
    now = clock.now()
    for earlier in series(location):
        if earlier.state is AssessmentState.APPROVED:
            earlier.state, earlier.superseded_at = AssessmentState.SUPERSEDED, now
            after = {"state": "superseded", "by_version": assessment.version}
            audit.record(actor, "assessment.superseded", "transfer_assessment", earlier.id,
                         before={"state": "approved"}, after=after)  # fmt: skip
    assessment.state = AssessmentState.APPROVED
    assessment.approved_by, assessment.approved_at = actor, now
    assessment.next_review_on = add_months(
        instants.local_date(now), assessment.review_interval_months
    )
    _flush_or_conflict()
    audit.record(actor, "assessment.approved", "transfer_assessment", assessment.id,
                 before={"state": "in_review"}, after=snapshot(assessment))  # fmt: skip


def missing_parts(assessment: TransferAssessment) -> list[str]:
    """What a draft still lacks before review, step by step, in plain words."""
    missing = []
    if not assessment.data_format.strip():
        missing.append(_("Step 1: the format of the data transferred."))
    if not assessment.access_from.strip():
        missing.append(_("Step 1: who accesses the data, and from where."))
    for finding in assessment.law_findings:
        if not finding.get("finding", "").strip():
            missing.append(_("Step 3: a finding on %(law)s.", law=_law_title(finding["law"])))
    if not assessment.practice_findings.strip():
        missing.append(_("Step 3: the practice of the authorities and the importer's experience."))
    for entry in assessment.measures:
        if not entry.get("implementation", "").strip():
            missing.append(_("Step 4: how %(measure)s is implemented.", measure=entry["code"]))
    recorded = set(assessment.ground.get("measures", []))
    for entry in assessment.measures:
        if entry["code"] not in recorded:
            missing.append(
                _(
                    "Step 4: %(measure)s is not recorded for this transfer in the register; record "
                    "it there, or leave it out here.",
                    measure=entry["code"],
                )  # fmt: skip
            )
    if assessment.ground.get("tool") == TransferTool.SCC and assessment.scc_signed_on is None:
        missing.append(_("Step 5: the day the SCCs were signed."))
    if assessment.modifies_clauses and not assessment.authorisation.strip():
        missing.append(
            _(
                "Step 5: the supervisory authority's authorisation (Art. 46(3)(a) GDPR), since "
                "the measures modify the clauses."
            )  # fmt: skip
        )
    given = {path["law"] for path in assessment.risk_paths}
    for finding in assessment.law_findings:
        entry = laws.catalogue().get(finding["law"])
        if entry and entry.access and finding.get("applies") and entry.code not in given:
            missing.append(_("Risk: the probabilities for %(law)s.", law=_law_title(entry.code)))
    if assessment.conclusion is None:
        missing.append(_("Conclusion: whether the transfer is acceptable."))
    elif assessment.conclusion is Conclusion.ACCEPTABLE_WITH_MEASURES and not assessment.measures:
        missing.append(_("Step 4: the measures the conclusion relies on."))
    if not assessment.reasoning.strip():
        missing.append(_("Conclusion: the reasoning."))
    return missing


def risk_figure(assessment: TransferAssessment) -> RiskFigure | None:
    """The risk computed from the assessment's inputs; None if they cannot be computed, or if
    the catalogue holds no law of the destination (a figure of 0 would then claim what nobody
    assessed)."""
    if not laws.laws_of(assessment.mapped["location"]["country"]):
        return None
    try:
        return assess_risk(_paths(assessment.risk_paths), assessment.risk_years)
    except (RiskInputError, KeyError, TypeError):
        return None


def on_record(
    on: date | None = None, subprocessors: sa.Select | None = None
) -> dict[int, AssessmentOnRecord]:
    """The assessment each location relied on on `on` (today by default): the version approved
    by then and not yet superseded, as the verdicts take it, with whether the register's facts
    or the destination's laws in the catalogue changed since. `subprocessors` (a select of ids)
    narrows it to their locations."""
    on = on or clock.today()
    query = (
        sa.select(TransferAssessment)
        .where(TransferAssessment.state.in_(SETTLED))
        .options(selectinload(TransferAssessment.location).options(*_FACT_LOADS))
        .order_by(TransferAssessment.location_id, TransferAssessment.version)
    )
    if subprocessors is not None:
        query = query.join(TransferAssessment.location).where(
            ProcessingLocation.subprocessor_id.in_(subprocessors)
        )
    relied_on: dict[int, TransferAssessment] = {}
    for assessment in db.session.scalars(query):
        approved = instants.local_date(assessment.approved_at)
        superseded = assessment.superseded_at and instants.local_date(assessment.superseded_at)
        if approved <= on and (superseded is None or on < superseded):
            relied_on[assessment.location_id] = assessment  # the latest such version wins
    found = {}
    for location_id, assessment in relied_on.items():
        mapped, ground = register_facts(assessment.location)
        found[location_id] = AssessmentOnRecord(
            conclusion=assessment.conclusion,
            approved_on=instants.local_date(assessment.approved_at),
            next_review=assessment.next_review_on,
            facts_changed=fingerprint(mapped, ground) != assessment.facts_fingerprint,
            law_changed=(
                laws_fingerprint(assessment.location.country_code) != assessment.laws_fingerprint
            ),
        )
    return found


def register_facts(location: ProcessingLocation) -> tuple[dict, dict]:
    """What the register says of the transfer: step 1's mapping and step 2's tool."""
    subprocessor = location.subprocessor

    def terms(listed) -> list[dict]:
        return [{"code": term.code, "name": term.name} for term in listed]

    mapped = {
        "subprocessor": {
            "id": subprocessor.id,
            "name": subprocessor.name,
            "legal_name": subprocessor.legal_name,
            "country": subprocessor.country_code,
        },
        "location": _place(location),
        "purposes": terms(subprocessor.purposes),
        "services": terms(subprocessor.services),
        "data_categories": terms(subprocessor.data_categories),
        "data_subject_categories": terms(subprocessor.data_subject_categories),
        "engaged_by": [entity.name for entity in subprocessor.entities],
        "locations": sorted(
            (_place(each) for each in subprocessor.locations),
            key=lambda place: (place["country"], place["role"], place["city"] or ""),
        ),  # fmt: skip
    }
    ground = {
        "tool": location.transfer_tool.value if location.transfer_tool else None,
        "scc_module": location.scc_module,
        "uk_tool": location.uk_tool.value if location.uk_tool else None,
        "swiss_adaptation": location.swiss_adaptation,
        "measures": sorted(measure.code for measure in location.measures),
        **_recorded_ground_facts(location),
    }
    return mapped, ground


# Facts of a transfer the register records since December 2026. Each counts in the fingerprint
# only once recorded, so that approved assessments are not re-opened by the upgrade itself.
LATER_GROUND_FACTS = (
    "scc_decision",
    "scc_signed_on",
    "bcr_group",
    "bcr_kind",
    "bcr_lead_authority",
    "bcr_approved_on",
    "bcr_importer_bound",
    "recipient_protection",
)


def _recorded_ground_facts(location: ProcessingLocation) -> dict:
    recorded = {name: getattr(location, name) for name in LATER_GROUND_FACTS}
    if location.subprocessor.hr_data:
        recorded["hr_data"] = True
    return {name: _plain(value) for name, value in recorded.items() if value is not None}


def fingerprint(mapped: dict, ground: dict) -> str:
    """A hash of the facts a change of which re-opens the assessment: the subprocessor's
    locations, data and subject categories, and the transfer's ground and measures (not names,
    which can be corrected without changing the transfer)."""
    facts = {
        "locations": mapped["locations"],
        "data_categories": sorted(term["code"] for term in mapped["data_categories"]),
        "data_subject_categories": sorted(
            term["code"] for term in mapped["data_subject_categories"]
        ),
        "ground": ground,
    }
    text = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def laws_fingerprint(country: str) -> str:
    """A hash of everything the catalogue says of the laws of `country`, except the day each
    entry was last checked: checking it again without a change re-opens no assessment."""
    entries = [
        {name: str(value) for name, value in vars(entry).items() if name != "as_of"}
        for entry in laws.laws_of(country)
    ]
    text = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        **{name: _plain(getattr(assessment, name)) for name in EDITABLE},
        "approved_by": assessment.approved_by,
        "approved_at": assessment.approved_at.isoformat() if assessment.approved_at else None,
        "next_review_on": _plain(assessment.next_review_on),
    }


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` months, on the month's last day where it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))  # fmt: skip


# What `register_facts` reads of a location, loaded at once for many.
_FACT_LOADS = (
    selectinload(ProcessingLocation.measures),
    selectinload(ProcessingLocation.subprocessor).options(
        selectinload(Subprocessor.purposes),
        selectinload(Subprocessor.services),
        selectinload(Subprocessor.data_categories),
        selectinload(Subprocessor.data_subject_categories),
        selectinload(Subprocessor.entities),
        selectinload(Subprocessor.locations),
    ),
)


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


def _check(values: AssessmentValues, location: ProcessingLocation) -> None:
    """Refuse values the assessment cannot hold, naming the first."""
    known_laws = {entry.code for entry in laws.laws_of(location.country_code)}
    for finding in values.law_findings:
        if finding.get("law") not in known_laws:
            raise AssessmentError(
                _("%(law)s is not a law of the catalogue for this country.", law=finding.get("law"))
            )
    for entry in values.measures:
        if entry.get("code") not in catalogue():
            raise AssessmentError(
                _("%(measure)s is not a measure of the EDPB catalogue.", measure=entry.get("code"))
            )
    if len({entry["code"] for entry in values.measures}) != len(values.measures):
        raise AssessmentError(_("A measure is listed twice."))
    reaching = {finding["law"] for finding in values.law_findings if finding.get("applies")}
    for path in values.risk_paths:
        if path.get("law") not in known_laws:
            raise AssessmentError(
                _("%(law)s is not a law of the catalogue for this country.", law=path.get("law"))
            )
        if path["law"] not in reaching:
            raise AssessmentError(
                _(
                    "%(law)s is marked as not reaching the transfer: it takes no probabilities.",
                    law=_law_title(path["law"]),
                )  # fmt: skip
            )
    if not 1 <= values.review_interval_months <= LONGEST_REVIEW_INTERVAL:
        raise AssessmentError(
            _("The review interval must be 1 to %(months)d months.", months=LONGEST_REVIEW_INTERVAL)
        )
    if not 1 <= values.risk_years <= LONGEST_PERIOD:
        raise AssessmentError(
            _("The assessment period must be 1 to %(years)d years.", years=LONGEST_PERIOD)
        )
    try:
        assess_risk(_paths(values.risk_paths), values.risk_years)
    except RiskInputError as error:
        problem = str(error)
        raise AssessmentError(
            _("The risk inputs cannot be used: %(problem)s", problem=problem)
        ) from None
    if values.scc_signed_on and values.scc_signed_on > clock.today():
        raise AssessmentError(_("The SCCs cannot have been signed in the future."))
    if values.conclusion is not None and not isinstance(values.conclusion, Conclusion):
        raise AssessmentError(_("Choose one of the conclusions offered."))


def _paths(entries) -> list[AccessPath]:
    return [
        AccessPath(entry["law"], entry["request"], entry["covers"], entry["in_clear"])
        for entry in entries
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


def _place(location: ProcessingLocation) -> dict:
    return {"country": location.country_code, "role": location.role.value, "city": location.city}


def _law_title(code: str) -> str:
    entry = laws.catalogue().get(code)
    return entry.title(str(get_locale() or "en")) if entry else code


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _changed(before: dict, after: dict) -> dict:
    """Only the fields that changed, before and after."""
    names = [name for name in after if before.get(name) != after[name]]
    return {
        "before": {name: before.get(name) for name in names},
        "after": {name: after[name] for name in names},
    }
