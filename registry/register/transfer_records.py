"""A location's transfer as the registry sees it: the country's status, the ground, the measures
and the verdict (which `registry.public.access` keeps from the public), in the reader's language.
The legal judgement itself is `transfers.verdicts`."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import force_locale, format_date, gettext, ngettext

from registry import labels, reason_words
from transfers.adequacy import AdequacyDecision, UnknownDecision, decision
from transfers.countries import country_name
from transfers.grounds import TransferGround, TransferTool
from transfers.measures import catalogue
from transfers.reasons import Reason, Verdict
from transfers.verdicts import TransferFacts, judge

# What is the engine's judgement, not a fact: the team's, public only where published.
VERDICT_KEYS = frozenset({"verdict", "verdict_name", "reasons"})


@dataclass(frozen=True)
class Judgement:
    """When and under which assumptions transfers are judged: today, or a chosen day and what-if."""

    day: date
    assume_ended: Mapping[str, date] | None = None


def transfer_record(facts: TransferFacts, judgement: Judgement, language: str) -> dict:
    """Everything the registry says of one location's transfer, as JSON-ready values."""
    verdict = judge(facts, judgement.day, judgement.assume_ended)
    status = verdict.status
    words = _words(language)
    return {
        "status": status.status.value,
        "status_name": words["statuses"][status.status],
        "decision": decision_record(status.decision) if status.decision else None,
        "ground": _ground(facts.ground, words) if facts.ground else None,
        "ground_summary": _ground_summary(facts, words) if facts.ground else None,
        "measures": [
            _measure(code, language, words) for code in _in_catalogue_order(facts.measures)
        ],
        "verdict": verdict.verdict.value,
        "verdict_name": words["verdicts"][verdict.verdict],
        "reasons": [_reason(reason, language, words) for reason in verdict.reasons],
    }


def judged_record(facts: TransferFacts, day: date, language: str) -> dict:
    """The verdict on one transfer as `POST /api/v1/verdicts` answers it: the country's status,
    the verdict and each reason with its code and words in `language`."""
    verdict = judge(facts, day)
    words = _words(language)
    return {
        "country": facts.country,
        "status": verdict.status.status.value,
        "verdict": verdict.verdict.value,
        "verdict_name": words["verdicts"][verdict.verdict],
        "reasons": [
            {"code": reason["code"], "verdict": reason["verdict"], "text": reason["message"]}
            for reason in (_reason(item, language, words) for item in verdict.reasons)
        ],
    }


def verdict_counts(listed: list[dict]) -> dict[str, int]:
    """How many of the transfers listed have each verdict."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for entry in listed:
        counts[entry["transfer"]["verdict"]] += 1
    return counts


@lru_cache(maxsize=8)
def _words(language: str) -> dict[str, dict]:
    """Every label a transfer record uses, translated once per language rather than per record."""
    tables = {
        "statuses": labels.COUNTRY_STATUSES,
        "tools": labels.TRANSFER_TOOLS,
        "modules": labels.SCC_MODULES,
        "uk_tools": labels.UK_TOOLS,
        "derogations": labels.DEROGATIONS,
        "kinds": labels.MEASURE_KINDS,
        "effectiveness": labels.EFFECTIVENESS,
        "verdicts": labels.VERDICTS,
        "reasons": reason_words.REASONS,
    }
    with force_locale(language):
        return {
            name: {key: str(text) for key, text in table.items()} for name, table in tables.items()
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


def _ground(ground: TransferGround, words: dict) -> dict:
    relied_on = _known_decision(ground.adequacy_decision)
    return {
        "tool": ground.tool.value,
        "tool_name": words["tools"][ground.tool],
        "adequacy_decision": decision_record(relied_on) if relied_on else None,
        "scc_decision": ground.scc_decision.value if ground.tool is TransferTool.SCC else None,
        "scc_module": int(ground.scc_module) if ground.scc_module else None,
        "scc_module_name": words["modules"].get(ground.scc_module),
        "uk_tool": ground.uk_tool.value if ground.uk_tool else None,
        "uk_tool_name": words["uk_tools"].get(ground.uk_tool),
        "swiss_adaptation": ground.swiss_adaptation,
        "derogation": ground.derogation.value if ground.derogation else None,
        "derogation_name": words["derogations"].get(ground.derogation),
        "derogation_justification": ground.derogation_justification,
    }


def _ground_summary(facts: TransferFacts, words: dict) -> str:
    """One line for a list: "Decision 2023/1795", "SCCs, module 3 · 2 supplementary measures"."""
    ground = facts.ground
    if ground.tool is TransferTool.ADEQUACY and ground.adequacy_decision:
        summary = gettext("Decision %(number)s", number=ground.adequacy_decision)
    elif ground.tool is TransferTool.SCC:
        summary = gettext("SCCs")
        if ground.scc_module:
            summary += ", " + gettext("module %(module)s", module=int(ground.scc_module))
    else:
        summary = words["tools"][ground.tool]
    if facts.measures:
        summary += " · " + ngettext(
            "%(num)d supplementary measure", "%(num)d supplementary measures", len(facts.measures)
        )
    return summary


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


def _measure(code: str, language: str, words: dict) -> dict:
    entry = catalogue().get(code)
    if entry is None:  # the verdict flags it; the record still shows what was recorded
        return {
            "code": code,
            "kind": None,
            "kind_name": None,
            "title": code,
            "use_case": None,
            "effectiveness": None,
            "effectiveness_name": None,
        }
    return {
        "code": entry.code,
        "kind": entry.kind.value,
        "kind_name": words["kinds"][entry.kind],
        "title": entry.title(language),
        "use_case": entry.use_case.reference if entry.use_case else None,
        "effectiveness": entry.effectiveness.value,
        "effectiveness_name": words["effectiveness"][entry.effectiveness],
    }


def _reason(reason: Reason, language: str, words: dict) -> dict:
    params = dict(reason.params)
    params["country"] = country_name(params["country"], language)
    for name in ("ended", "day", "approved", "due", "changed", "signed", "verified"):
        if name in params:
            params[name] = format_date(date.fromisoformat(params[name]), "long")
    return {
        "code": reason.code,
        "verdict": reason.verdict.value,
        "message": words["reasons"][reason.code] % params,
    }
