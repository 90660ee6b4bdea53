"""The register's DPF facts beside the imported Data Privacy Framework List: what differs.

Every subprocessor not retired that is established in the US or has a US processing location
is looked up on the list by the name it is listed under (`dpf_listed_name`, else its legal
name), without case, accents, spaces or punctuation. One that relies on the DPF (recorded as
certified, or a US location on adequacy: the US decision is partial, Implementing Decision (EU)
2023/1795, Art. 1) must be on it, under the EU-U.S. DPF, active, with a scope that covers the
data it receives (Annex I, Supplemental Principle 9) and the next recertification recorded as
the list gives it and not passed (Supplemental Principle 6). One recorded as not certified that
the list has active is shown too: the register says less than the list.

Each difference is a sentence naming the subprocessor and both values, in the reader's
language. The register is not changed here.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from registry import clock, labels
from registry.dpf import last_import
from registry.dpf.list_file import matching_name
from registry.extensions import db
from registry.models import (
    DpfListEntry,
    ProcessingLocation,
    Subprocessor,
    SubprocessorStatus,
)
from transfers.grounds import TransferTool
from transfers.importers import DpfEntry, DpfScope

US = "US"
# Older than this, the copy may miss a year's removals and recertifications: import a new one.
STALE_AFTER_DAYS = 30


@dataclass(frozen=True)
class ListImport:
    """The import the check compares with: the file, its SHA-256, who imported it, when."""

    filename: str
    sha256: str
    imported_at: datetime
    imported_by: str
    entry_count: int
    age_days: int

    @property
    def stale(self) -> bool:
        return self.age_days > STALE_AFTER_DAYS


@dataclass(frozen=True)
class Difference:
    subprocessor_id: int
    subprocessor: str
    kind: str
    sentence: str


@dataclass(frozen=True)
class ListCheck:
    """The last import (None if the list was never imported) and the differences found."""

    imported: ListImport | None
    checked: int = 0
    differences: list[Difference] = field(default_factory=list)

    def of(self, subprocessor_id: int) -> list[Difference]:
        return [found for found in self.differences if found.subprocessor_id == subprocessor_id]


def check_register(subprocessor_id: int | None = None) -> ListCheck:
    """Compare each US importer (or only the one given, if it is one) with the last imported
    list; `checked` counts the US importers, also when no list was imported."""
    importers = _us_importers(subprocessor_id)
    imported = last_import()
    if imported is None:
        return ListCheck(imported=None, checked=len(importers))
    age = (clock.now() - imported.imported_at) // timedelta(days=1)
    about = ListImport(
        imported.filename,
        imported.sha256,
        imported.imported_at,
        imported.imported_by,
        imported.entry_count,
        age,
    )
    entries = _entries_named({_searched_name(importer) for importer in importers})
    today = clock.today()
    differences = [
        found
        for importer in importers
        for found in _differences(importer, entries.get(_matching(importer), []), today)
    ]
    return ListCheck(imported=about, checked=len(importers), differences=differences)


def _us_importers(subprocessor_id: int | None) -> list[Subprocessor]:
    in_the_us = sa.or_(
        Subprocessor.country_code == US,
        Subprocessor.locations.any(ProcessingLocation.country_code == US),
    )
    query = (
        sa.select(Subprocessor)
        .where(Subprocessor.status != SubprocessorStatus.RETIRED, in_the_us)
        .options(selectinload(Subprocessor.locations))
        .order_by(Subprocessor.name, Subprocessor.id)
    )
    if subprocessor_id is not None:
        query = query.where(Subprocessor.id == subprocessor_id)
    return list(db.session.scalars(query))


def _searched_name(importer: Subprocessor) -> str:
    return importer.dpf_listed_name or importer.legal_name


def _matching(importer: Subprocessor) -> str:
    return matching_name(_searched_name(importer))


def _entries_named(names: set[str]) -> dict[str, list[DpfListEntry]]:
    """The list's entries for each of `names`, by the names' matching form, in the file's
    order."""
    found: dict[str, list[DpfListEntry]] = {}
    for entry in db.session.scalars(
        sa.select(DpfListEntry)
        .where(DpfListEntry.matching_name.in_(sorted({matching_name(name) for name in names})))
        .order_by(DpfListEntry.row)
    ):
        found.setdefault(entry.matching_name, []).append(entry)
    return found


def relies_on_the_dpf(importer: Subprocessor) -> bool:
    """Recorded as certified, or a US location whose ground is adequacy (which, for the US, is
    the DPF's partial decision)."""
    return importer.dpf_certified or any(
        location.country_code == US and location.transfer_tool is TransferTool.ADEQUACY
        for location in importer.locations
    )


def _differences(importer: Subprocessor, candidates: list[DpfListEntry], today: date):
    relies = relies_on_the_dpf(importer)
    say = _Sentences(importer)
    under_eu_us = [entry for entry in candidates if entry.eu_us is not False]
    if not candidates:
        return [say("not_listed")] if relies else []
    if not under_eu_us:
        frameworks = "; ".join(sorted({entry.frameworks or "-" for entry in candidates}))
        return [say("not_under_eu_us", frameworks=frameworks)] if relies else []
    entry = min(under_eu_us, key=lambda entry: (not entry.active, entry.row))
    if not entry.active:
        return [say("inactive", status=entry.status)] if relies else []
    if not importer.dpf_certified:
        return [say("listed_not_recorded")]
    return _scope_differences(importer, entry, say) + _date_differences(importer, entry, say, today)


def _list_scope(entry: DpfListEntry) -> DpfScope | None:
    if entry.covers_hr and entry.covers_non_hr:
        return DpfScope.BOTH
    if entry.covers_hr:
        return DpfScope.HR
    return DpfScope.NON_HR if entry.covers_non_hr else None


def _scope_differences(importer: Subprocessor, entry: DpfListEntry, say) -> list[Difference]:
    listed = _list_scope(entry)
    found = []
    if importer.dpf_scope is not listed:
        found.append(
            say(
                "scope_differs",
                recorded=_scope_name(importer.dpf_scope),
                listed=_scope_name(listed),
            )
        )
    # The engine's own rule of what a certification covers (transfers.importers).
    if listed is not None and not DpfEntry(scope=listed).covers(importer.hr_data):
        kind = "hr_not_covered" if importer.hr_data else "hr_only"
        found.append(say(kind, listed=_scope_name(listed)))
    return found


def _date_differences(importer, entry: DpfListEntry, say, today: date) -> list[Difference]:
    recorded, listed = importer.dpf_recertification_due, entry.next_recertification
    found = []
    if listed is not None and recorded != listed:
        found.append(say("recertification_differs", recorded=_day(recorded), listed=_day(listed)))
    due = listed or recorded
    if due is not None and due < today:
        found.append(say("recertification_passed", day=_day(due)))
    return found


def _scope_name(scope: DpfScope | None) -> str:
    return str(labels.DPF_SCOPES[scope]) if scope else _("no scope")


def _day(day: date | None) -> str:
    return day.isoformat() if day else _("no date")


class _Sentences:
    """Makes the differences of one subprocessor, each as the sentence of its kind."""

    def __init__(self, importer: Subprocessor) -> None:
        self.importer = importer

    def __call__(self, kind: str, **values) -> Difference:
        values |= {"name": self.importer.name, "listed_name": _searched_name(self.importer)}
        sentence = str(SENTENCES[kind]) % values
        return Difference(self.importer.id, self.importer.name, kind, sentence)


# Each kind of difference, as a sentence naming the subprocessor and both values.
SENTENCES = {
    "not_listed": _l(
        "%(name)s: the register relies on the DPF for it, but “%(listed_name)s” is not on the "
        "imported DPF List."
    ),
    "not_under_eu_us": _l(
        "%(name)s: the register relies on the EU-U.S. DPF for it, but the list has "
        "“%(listed_name)s” only under %(frameworks)s."
    ),
    "inactive": _l(
        "%(name)s: the register relies on the DPF for it, but the list has “%(listed_name)s” "
        "inactive (%(status)s)."
    ),
    "listed_not_recorded": _l(
        "%(name)s: the register records it as not DPF-certified, but the list has "
        "“%(listed_name)s” active."
    ),
    "scope_differs": _l(
        "%(name)s: the register records the scope of its certification as %(recorded)s, the "
        "list as %(listed)s."
    ),
    "hr_not_covered": _l(
        "%(name)s: it receives HR data, but its certification on the list covers %(listed)s."
    ),
    "hr_only": _l(
        "%(name)s: its certification on the list covers %(listed)s, not the other data it receives."
    ),
    "recertification_differs": _l(
        "%(name)s: the register records the next recertification as due on %(recorded)s, the "
        "list on %(listed)s."
    ),
    "recertification_passed": _l(
        "%(name)s: its next recertification was due on %(day)s, which has passed."
    ),
}
