"""A location's transfer as the public sees it: the country's status, the ground, the measures
and the verdict, in the reader's language. The legal judgement itself is `transfers.verdicts`."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from registry import labels
from transfers.adequacy import AdequacyDecision, UnknownDecision, decision
from transfers.countries import country_name
from transfers.grounds import TransferGround
from transfers.measures import catalogue, measure
from transfers.verdicts import Reason, TransferFacts, judge


@dataclass(frozen=True)
class Judgement:
    """When and under which assumptions transfers are judged: today, or a chosen day and what-if."""

    day: date
    assume_ended: Mapping[str, date] | None = None


def transfer_record(facts: TransferFacts, judgement: Judgement, language: str) -> dict:
    """Everything the registry says of one location's transfer, as JSON-ready values."""
    verdict = judge(facts, judgement.day, judgement.assume_ended)
    status = verdict.status
    return {
        "status": status.status.value,
        "status_name": str(labels.COUNTRY_STATUSES[status.status]),
        "decision": decision_record(status.decision) if status.decision else None,
        "ground": _ground(facts.ground) if facts.ground else None,
        "measures": [_measure(code, language) for code in _in_catalogue_order(facts.measures)],
        "verdict": verdict.verdict.value,
        "verdict_name": str(labels.VERDICTS[verdict.verdict]),
        "reasons": [_reason(reason, language) for reason in verdict.reasons],
    }


def decision_record(entry: AdequacyDecision) -> dict:
    """An adequacy decision with its instrument, dates, scope and source."""
    return {
        "number": entry.number,
        "instrument": entry.instrument,
        "name": entry.name,
        "celex": entry.celex,
        "adopted": entry.adopted.isoformat(),
        "effective": entry.effective.isoformat(),
        "ended": entry.ended.isoformat() if entry.ended else None,
        "ended_reason": entry.ended_reason,
        "scope": entry.scope.value,
        "condition": entry.condition.value if entry.condition else None,
        "scope_note": entry.scope_note,
        "source": entry.source,
    }


def _ground(ground: TransferGround) -> dict:
    relied_on = _known_decision(ground.adequacy_decision)
    return {
        "tool": ground.tool.value,
        "tool_name": str(labels.TRANSFER_TOOLS[ground.tool]),
        "adequacy_decision": decision_record(relied_on) if relied_on else None,
        "scc_module": int(ground.scc_module) if ground.scc_module else None,
        "scc_module_name": str(labels.SCC_MODULES[ground.scc_module])
        if ground.scc_module
        else None,
        "uk_tool": ground.uk_tool.value if ground.uk_tool else None,
        "uk_tool_name": str(labels.UK_TOOLS[ground.uk_tool]) if ground.uk_tool else None,
        "swiss_adaptation": ground.swiss_adaptation,
        "derogation": ground.derogation.value if ground.derogation else None,
        "derogation_name": str(labels.DEROGATIONS[ground.derogation])
        if ground.derogation
        else None,
        "derogation_justification": ground.derogation_justification,
    }


def _known_decision(reference: str | None) -> AdequacyDecision | None:
    if not reference:
        return None
    try:
        return decision(reference)
    except UnknownDecision:
        return None  # the verdict says so: "… is not an adequacy decision"


def _in_catalogue_order(codes: frozenset[str]) -> list[str]:
    order = list(catalogue())
    return sorted(codes, key=lambda code: order.index(code) if code in order else len(order))


def _measure(code: str, language: str) -> dict:
    entry = measure(code)
    return {
        "code": entry.code,
        "kind": entry.kind.value,
        "kind_name": str(labels.MEASURE_KINDS[entry.kind]),
        "title": entry.title(language),
        "use_case": entry.use_case.reference if entry.use_case else None,
        "effectiveness": entry.effectiveness.value,
        "effectiveness_name": str(labels.EFFECTIVENESS[entry.effectiveness]),
    }


def _reason(reason: Reason, language: str) -> dict:
    params = dict(reason.params)
    params["country"] = country_name(params["country"], language)
    for name in ("ended", "day"):
        if name in params:
            params[name] = format_date(date.fromisoformat(params[name]), "long")
    return {
        "code": reason.code,
        "verdict": reason.verdict.value,
        "message": str(labels.REASONS[reason.code]) % params,
    }
