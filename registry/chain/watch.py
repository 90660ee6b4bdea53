"""Watching the lists our direct subprocessors publish of the companies they engage.

A processor informs the controller of every intended change of the processors it engages
(GDPR Art. 28(2) and (4); EDPB Opinion 22/2024, paragraph 40): where a subprocessor publishes its
own list, a check reads it (`upstream.read`), compares it with our record of its chain, and
opens a review with the differences for an editor. The review never announces: the editor
drafts each company added (announced like any addition) and announces each removal from the
company's own page. Reading the same list again opens nothing new.

Every write is on the audit trail; the caller commits (the CLI and the worker once per source).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, chain, clock
from registry.chain import upstream
from registry.chain.upstream import ListedCompany, ListUnreadable, comparable
from registry.extensions import db
from registry.models import (
    ChainLink,
    ChainReview,
    ChainSource,
    ListFormat,
    ReviewState,
    Subprocessor,
    SubprocessorStatus,
)
from registry.single_line import has_line_breaks


@dataclass(frozen=True)
class SourceValues:
    """Where a subprocessor's list is and how to read it, as the admin's form gives it."""

    list_format: ListFormat
    mapping: dict
    url: str | None = None
    file: bytes | None = None
    filename: str | None = None


@dataclass
class CheckResult:
    """What one check of one source found."""

    source_id: int
    subprocessor: str
    read: int = 0
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    review_id: int | None = None
    opened: bool = False  # a review was opened or given newer differences
    error: str | None = None


def set_source(subprocessor: Subprocessor, values: SourceValues, actor: str) -> ChainSource:
    """Store where `subprocessor` publishes its list (an http(s) address, or the file sent) and
    which column holds what; replaces the source it had. Raises ChainError."""
    if not subprocessor.engaged_directly:
        raise chain.ChainError(_("Only a subprocessor we engage directly has a list to watch."))
    url, content = _address(values.url), _text(values.file)
    if (url is None) == (content is None):
        raise chain.ChainError(_("Give either the list's address or its file."), field="url")
    mapping = {name: _column(values.mapping.get(name), name) for name in upstream.FIELDS}
    source = db.session.scalar(
        sa.select(ChainSource).where(ChainSource.subprocessor_id == subprocessor.id)
    )
    before = source_snapshot(source) if source else None
    if source is None:
        source = ChainSource(subprocessor=subprocessor)
        db.session.add(source)
    source.url, source.content = url, content
    source.filename = (values.filename or "")[:255] or None if content is not None else None
    source.format, source.mapping = values.list_format, mapping
    db.session.flush()
    audit.record(
        actor, "chain.source_set", "chain_source", source.id, before, source_snapshot(source)
    )
    return source


def check(source: ChainSource, actor: str, read=None) -> CheckResult:
    """Read the source's list and compare it with the recorded chain; open a review with the
    differences, unless the list is the one last read or the differences are those already
    open. A list that cannot be read is kept as the source's last error. `read` is the list
    as `upstream.outcome` read it beforehand (a view reads it before its write begins)."""
    read = upstream.outcome(source) if read is None else read
    result = CheckResult(source.id, source.subprocessor.name)
    if isinstance(read, ListUnreadable):
        result.error = str(read)[:500]
        _checked(source, result, actor, digest=source.last_digest)
        return result
    digest = upstream.digest(read)
    result.read = len(read)
    result.added, result.removed = differences(source.subprocessor, read)
    if digest != source.last_digest and (result.added or result.removed):
        _open_review(source.subprocessor, result, digest, actor)
    _checked(source, result, actor, digest=digest)
    return result


def differences(parent: Subprocessor, companies: list[ListedCompany]) -> tuple[list, list]:
    """The companies listed but not in `parent`'s chain, and the companies in its chain (not
    retired) no longer listed; matched by legal name, else by name, ignoring case and
    punctuation."""
    children = db.session.scalars(
        sa.select(Subprocessor)
        .join(ChainLink, ChainLink.child_id == Subprocessor.id)
        .where(
            ChainLink.parent_id == parent.id,
            Subprocessor.status != SubprocessorStatus.RETIRED,
        )
        .order_by(Subprocessor.name)
    ).all()
    matched: set[int] = set()
    added = []
    for company in companies:
        child = _match(company, children)
        if child is None:
            added.append(company.as_dict() | {"drafted_id": None})
        else:
            matched.add(child.id)
    removed = [
        {"id": child.id, "name": child.name, "legal_name": child.legal_name}
        for child in children
        if child.id not in matched
    ]
    return added, removed


def sources(subprocessor_id: int | None = None) -> list[ChainSource]:
    """Every source, or the one of that subprocessor."""
    query = sa.select(ChainSource).order_by(ChainSource.id)
    if subprocessor_id is not None:
        query = query.where(ChainSource.subprocessor_id == subprocessor_id)
    return list(db.session.scalars(query))


def due_sources(interval_hours: int) -> list[ChainSource]:
    """The sources not checked for `interval_hours` or more (none when the interval is 0)."""
    if not interval_hours:
        return []
    since = clock.now() - timedelta(hours=interval_hours)
    return list(
        db.session.scalars(
            sa.select(ChainSource)
            .where(
                sa.or_(ChainSource.last_checked_at.is_(None), ChainSource.last_checked_at <= since)
            )
            .order_by(ChainSource.id)
        )
    )


def close_review(review: ChainReview, state: ReviewState, note: str, actor: str) -> None:
    """Mark an open review reviewed or dismissed, with the editor's note. Raises ChainError."""
    _refuse_closed(review)
    if state == ReviewState.OPEN:
        raise chain.ChainError(_("Choose reviewed or dismissed."), field="state")
    note = (note or "").strip()
    if has_line_breaks(note) or len(note) > 500:
        raise chain.ChainError(_("The note takes one line of at most 500 characters."), "note")
    review.state, review.note = state, note or None
    review.closed_at, review.closed_by = clock.now(), actor
    audit.record(
        actor,
        "chain.review_closed",
        "chain_review",
        review.id,
        before={"state": ReviewState.OPEN.value},
        after={"state": state.value, "note": review.note},
    )


def draft_from_review(
    review: ChainReview, index: int, member: chain.ChainMember, actor: str
) -> Subprocessor:
    """Draft the `index`-th company the review found added, under the review's subprocessor,
    through `chain.draft_member`; the review remembers the draft. Raises ChainError or
    DraftError."""
    _refuse_closed(review)
    added = list(review.differences.get("added", []))
    if not 0 <= index < len(added) or added[index].get("drafted_id"):
        raise chain.ChainError(_("This company is not waiting to be drafted."), field="name")
    child = chain.draft_member(review.subprocessor, member, actor)
    added[index] = added[index] | {"drafted_id": child.id}
    review.differences = review.differences | {"added": added}
    audit.record(
        actor,
        "chain.review_entry_drafted",
        "chain_review",
        review.id,
        after={"entry": added[index]["name"], "drafted_id": child.id},
    )
    return child


def source_snapshot(source: ChainSource) -> dict:
    """What the trail keeps of a source: the address or the file's name, never its text."""
    return {
        "subprocessor": source.subprocessor.name,
        "url": source.url,
        "file": source.filename if source.content is not None else None,
        "format": source.format.value,
        "mapping": source.mapping,
    }


def open_review_of(subprocessor_id: int) -> ChainReview | None:
    return db.session.scalar(
        sa.select(ChainReview).where(
            ChainReview.subprocessor_id == subprocessor_id, ChainReview.state == ReviewState.OPEN
        )
    )


def _open_review(parent: Subprocessor, result: CheckResult, digest: str, actor: str) -> None:
    found = {"added": result.added, "removed": result.removed}
    review = open_review_of(parent.id)
    if review is not None and review.differences == found:
        result.review_id = review.id
        return
    if review is None:
        review = ChainReview(subprocessor=parent, opened_at=clock.now(), state=ReviewState.OPEN)
        db.session.add(review)
        before, action = None, "chain.review_opened"
    else:
        before, action = review.differences, "chain.review_updated"
    review.differences, review.digest = found, digest
    db.session.flush()
    audit.record(actor, action, "chain_review", review.id, before=before, after=found)
    result.review_id, result.opened = review.id, True


def _checked(source: ChainSource, result: CheckResult, actor: str, digest: str | None) -> None:
    source.last_checked_at = clock.now()
    source.last_digest, source.last_error = digest, result.error
    if result.error is None:
        source.last_count = result.read
    audit.record(
        actor,
        "chain.list_checked",
        "chain_source",
        source.id,
        after={
            "read": result.read,
            "added": len(result.added),
            "removed": len(result.removed),
            "review": result.review_id if result.opened else None,
            "error": result.error,
        },
    )


def _match(company: ListedCompany, children: list[Subprocessor]) -> Subprocessor | None:
    for child in children:
        if company.legal_name and comparable(company.legal_name) == comparable(child.legal_name):
            return child
    for child in children:
        if comparable(company.name) == comparable(child.name):
            return child
    return None


def _refuse_closed(review: ChainReview) -> None:
    if review.state != ReviewState.OPEN:
        raise chain.ChainError(_("This review is closed already."), field="note")


def _address(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if has_line_breaks(url) or len(url) > 2000:
        raise chain.ChainError(_("The address takes one line of at most 2000 characters."), "url")
    if not url.lower().startswith(("http://", "https://")):
        raise chain.ChainError(_("The address must begin with https:// or http://."), "url")
    return url


def _text(file: bytes | None) -> str | None:
    if not file:
        return None
    if len(file) > upstream.LARGEST_LIST:
        raise chain.ChainError(_("The file is larger than 2 MiB."), field="file")
    try:
        text = file.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise chain.ChainError(_("The file is not UTF-8 text."), field="file") from None
    if "\x00" in text:
        raise chain.ChainError(_("The file is not text."), field="file")
    return text


def _column(text: str | None, name: str) -> str:
    text = (text or "").strip()
    if has_line_breaks(text) or len(text) > 200:
        raise chain.ChainError(_("A column's name takes one line of at most 200 characters."), name)
    return text
