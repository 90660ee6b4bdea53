"""Transfer impact assessments as documents: the report, its JSON, the differences between two
versions, and the list of transfers that need one with where each stands.

The HTML report, the JSON export and the evidence pack all render `assessment_document`, so
they say the same thing.
"""

import math
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale, format_percent
from sqlalchemy.orm import selectinload

from registry import clock, labels
from registry.assessments import facts as assessment_facts
from registry.extensions import db
from registry.models import (
    AssessmentState,
    LocationRole,
    ProcessingLocation,
    Subprocessor,
    SubprocessorStatus,
    TransferAssessment,
)
from registry.register.transfer_records import Judgement, transfer_record
from transfers import laws
from transfers.countries import country_name
from transfers.measures import catalogue
from transfers.risk import FACTORS, Conclusion

# The fields a difference between versions names, with the step they belong to.
COMPARED = (
    ("data_format", 1),
    ("onward_transfers", 1),
    ("access_from", 1),
    ("law_findings", 3),
    ("practice_findings", 3),
    ("measures", 4),
    ("scc_signed_on", 5),
    ("docking_clause", 5),
    ("modifies_clauses", 5),
    ("authorisation", 5),
    ("procedural_notes", 5),
    ("review_interval_months", 6),
    ("risk_years", 0),
    ("risk_paths", 0),
    ("conclusion", 0),
    ("reasoning", 0),
    ("mapped", 1),
    ("ground", 2),
)


def assessment_document(assessment: TransferAssessment, language: str) -> dict:
    """Everything the assessment says, step by step, with the risk computed from its inputs and
    every law and measure named as the catalogues name them; JSON-ready."""
    with force_locale(language):
        figure = assessment_facts.risk_figure(assessment)
        mapped = assessment.mapped
        location = mapped["location"]
        return {
            "id": assessment.id,
            "location_id": assessment.location_id,
            "version": assessment.version,
            "state": assessment.state.value,
            "state_name": str(labels.ASSESSMENT_STATES[assessment.state]),
            "author": assessment.author,
            "created_at": clock.utc_text(assessment.created_at),
            "submitted_by": assessment.submitted_by,
            "submitted_at": _instant(assessment.submitted_at),
            "review_comment": assessment.review_comment,
            "approved_by": assessment.approved_by,
            "approved_at": _instant(assessment.approved_at),
            "next_review_on": _day(assessment.next_review_on),
            "superseded_at": _instant(assessment.superseded_at),
            "subprocessor": mapped["subprocessor"],
            "country": location["country"],
            "country_name": country_name(location["country"], language),
            "step_1_transfer": {
                "location": location | {"role_name": _role(location["role"])},
                "purposes": mapped["purposes"],
                "services": mapped["services"],
                "data_categories": mapped["data_categories"],
                "data_subject_categories": mapped["data_subject_categories"],
                "engaged_by": mapped["engaged_by"],
                "all_locations": [
                    place
                    | {
                        "country_name": country_name(place["country"], language),
                        "role_name": _role(place["role"]),
                    }
                    for place in mapped["locations"]
                ],
                "data_format": assessment.data_format,
                "onward_transfers": assessment.onward_transfers,
                "access_from": assessment.access_from,
                "facts_fingerprint": assessment.facts_fingerprint,
            },
            "step_2_tool": _tool(assessment.ground),
            "step_3_law_and_practice": {
                "laws": [_finding(finding, language) for finding in assessment.law_findings],
                "practice": assessment.practice_findings,
            },
            "step_4_measures": [_measure(entry, language) for entry in assessment.measures],
            "step_5_procedure": {
                "scc_module": assessment.ground.get("scc_module"),
                "scc_signed_on": _day(assessment.scc_signed_on),
                "docking_clause": assessment.docking_clause,
                "modifies_clauses": assessment.modifies_clauses,
                "authorisation": assessment.authorisation,
                "notes": assessment.procedural_notes,
            },
            "step_6_review": {
                "interval_months": assessment.review_interval_months,
                "next_review_on": _day(assessment.next_review_on),
            },
            "risk": _risk(assessment, figure, language),
            "conclusion": assessment.conclusion.value if assessment.conclusion else None,
            "conclusion_name": (
                str(labels.CONCLUSIONS[assessment.conclusion]) if assessment.conclusion else None
            ),
            "reasoning": assessment.reasoning,
        }


def differences(older: TransferAssessment, newer: TransferAssessment, language: str) -> list:
    """What changed from `older` to `newer`: per field, its step, its words before and after."""
    before = assessment_document(older, language)
    after = assessment_document(newer, language)
    changed = []
    for name, step in COMPARED:
        old_value, new_value = getattr(older, name), getattr(newer, name)
        if old_value == new_value:
            continue
        changed.append(
            {
                "field": name,
                "step": step,
                "before": _words(name, before, older),
                "after": _words(name, after, newer),
            }
        )
    return changed


def transfers_to_assess(language: str, on: date | None = None) -> list[dict]:
    """Every transfer that needs an assessment (SCCs or BCRs outside the EEA, of subprocessors
    not retired), with its approved and open versions, its verdict and what needs doing."""
    on = on or clock.today()
    locations = db.session.scalars(
        sa.select(ProcessingLocation)
        .join(ProcessingLocation.subprocessor)
        .where(
            ProcessingLocation.transfer_tool.in_(assessment_facts.ASSESSED_TOOLS),
            Subprocessor.status != SubprocessorStatus.RETIRED,
        )
        .options(
            selectinload(ProcessingLocation.subprocessor), selectinload(ProcessingLocation.measures)
        )
        .order_by(Subprocessor.name, ProcessingLocation.id)
    ).all()
    locations = [
        location for location in locations if assessment_facts.needs_assessment(location, on)
    ]
    versions: dict[int, list[TransferAssessment]] = {}
    for version in db.session.scalars(
        sa.select(TransferAssessment)
        .where(TransferAssessment.location_id.in_([location.id for location in locations]))
        .order_by(TransferAssessment.version.desc())
    ):
        versions.setdefault(version.location_id, []).append(version)
    on_record = assessment_facts.on_record(on)
    listed = []
    for location in locations:
        series = versions.get(location.id, [])
        approved = next((v for v in series if v.state is AssessmentState.APPROVED), None)
        open_version = next((v for v in series if not v.settled), None)
        facts = assessment_facts.transfer_facts(location, on_record.get(location.id))
        record = transfer_record(facts, Judgement(on), language)
        listed.append(
            {
                "location": location,
                "subprocessor": location.subprocessor,
                "approved": approved,
                "open": open_version,
                "verdict": record["verdict"],
                "verdict_name": record["verdict_name"],
                "reasons": [reason for reason in record["reasons"] if reason["code"] != "scc"],
                "review_due": approved.next_review_on if approved else None,
                "overdue": bool(approved and approved.next_review_on < on),
            }
        )
    return listed


def percent(probability: float | None) -> str:
    """A probability as a percentage in the current language, to two significant digits, so
    that the small figures this method gives never read as 0 % unless they are 0."""
    if probability is None:
        return "—"
    if probability == 0 or probability >= 0.01:
        return format_percent(probability, "#,##0.##%")
    if probability < 1e-8:
        return "< " + format_percent(1e-8, "0.######%")
    digits = 1 - math.floor(math.log10(probability * 100))  # two significant digits
    return format_percent(probability, "0." + "#" * digits + "%")


def _tool(ground: dict) -> dict:
    tool = ground.get("tool")
    return {
        "tool": tool,
        "tool_name": str(labels.TRANSFER_TOOLS[tool]) if tool else None,
        "scc_module": ground.get("scc_module"),
        "uk_tool": ground.get("uk_tool"),
        "swiss_adaptation": ground.get("swiss_adaptation", False),
        "measures_in_register": ground.get("measures", []),
    }


def _finding(finding: dict, language: str) -> dict:
    entry = laws.catalogue().get(finding["law"])
    described = {}
    if entry is not None:
        described = {
            "title": entry.title(language),
            "citation": entry.citation,
            "kind": entry.kind.value,
            "kind_name": str(labels.LAW_KINDS[entry.kind]),
            "access": entry.access,
            "reaches": entry.reaches,
            "summary": entry.summary,
            "source": entry.source,
            "as_of": _day(entry.as_of),
            "secondary": entry.secondary,
            "unconfirmed": entry.unconfirmed,
        }
    return {
        "law": finding["law"],
        "applies": finding["applies"],
        "finding": finding["finding"],
    } | described


def _measure(entry: dict, language: str) -> dict:
    described = catalogue().get(entry["code"])
    return {
        "code": entry["code"],
        "title": described.title(language) if described else entry["code"],
        "kind": described.kind.value if described else None,
        "effectiveness": described.effectiveness.value if described else None,
        "effectiveness_name": (
            str(labels.EFFECTIVENESS[described.effectiveness]) if described else None
        ),
        "use_case": described.use_case.reference if described and described.use_case else None,
        "implementation": entry["implementation"],
    }


def _risk(assessment: TransferAssessment, figure, language: str) -> dict:
    return {
        "method": "transfers.risk: 1 - prod(1 - request*covers*in_clear) per year; "
        "1 - (1 - p_year)^years over the period",
        "computed": figure is not None,
        "years": assessment.risk_years,
        "paths": [
            {
                "law": path["law"],
                "title": _law_title(path["law"], language),
                **{factor: path[factor] for factor in FACTORS},
                "yearly": computed.yearly if figure else None,
                "over_period": computed.over_period if figure else None,
            }
            for path, computed in zip(
                assessment.risk_paths,
                figure.paths if figure else [None] * len(assessment.risk_paths),
                strict=True,
            )
        ],
        "yearly": figure.yearly if figure else None,
        "over_period": figure.over_period if figure else None,
        "years_per_access": figure.years_per_access if figure else None,
    }


def _words(name: str, document: dict, assessment: TransferAssessment) -> str:
    """A field's value as one readable text, for the list of differences."""
    if name == "law_findings":
        return "\n".join(
            f"{law.get('title', law['law'])}: {'✓' if law['applies'] else '✗'} {law['finding']}"
            for law in document["step_3_law_and_practice"]["laws"]
        )
    if name == "measures":
        return "\n".join(
            f"{entry['code']}: {entry['implementation']}" for entry in document["step_4_measures"]
        )
    if name == "risk_paths":
        return "\n".join(
            f"{path['title']}: " + " × ".join(f"{path[factor]:.2%}" for factor in FACTORS)
            for path in document["risk"]["paths"]
        )
    if name == "conclusion":
        return document["conclusion_name"] or ""
    if name == "mapped":
        mapped = assessment.mapped
        places = ", ".join(
            f"{place['country']} {place['role']}" + (f" {place['city']}" if place["city"] else "")
            for place in mapped["locations"]
        )
        data = ", ".join(term["name"] for term in mapped["data_categories"])
        subjects = ", ".join(term["name"] for term in mapped["data_subject_categories"])
        return f"{places}\n{data}\n{subjects}"
    if name == "ground":
        ground = assessment.ground
        return " · ".join(str(ground[key]) for key in ("tool", "scc_module") if ground.get(key)) + (
            "\n" + ", ".join(ground.get("measures", []))
        )
    value = getattr(assessment, name)
    if isinstance(value, Conclusion):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _law_title(code: str, language: str) -> str:
    entry = laws.catalogue().get(code)
    return entry.title(language) if entry else code


def _role(role: str) -> str:
    return str(labels.LOCATION_ROLES[LocationRole(role)])


def _instant(value) -> str | None:
    return clock.utc_text(value) if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
