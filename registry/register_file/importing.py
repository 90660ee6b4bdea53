"""Importing a register file: its preview kept, then its application in one transaction.

`preview` reads and plans an upload (`registry.register_file.plan`); a file with no refusal is
kept (`RegisterImport`) with the SHA-256 of the register it was planned against, for
`PREVIEW_HOURS`. `apply_import` locks the trail's head (every write to the register records an
event, so none runs meanwhile), checks that the register is still the one previewed, plans the
file again and writes it, with one `subprocessor.imported` event per subprocessor it creates or
changes and one `register.imported` event with the file's SHA-256, the counts and every change.
The caller commits. A second confirmation finds the file applied, or the register changed.
"""

import hashlib
import json
from datetime import timedelta
from pathlib import PurePath

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, clock
from registry.domain import DomainError
from registry.extensions import db
from registry.models import AuditHead, ImportState, RegisterImport
from registry.register_file import register_digest
from registry.register_file.outcomes import WRITTEN, RegisterPlan
from registry.register_file.plan import plan
from registry.register_file.writing import write_register
from registry.single_line import one_line

PREVIEW_HOURS = 24


def _nothing_to_confirm() -> str:
    return _("This file changes nothing in the register: there is nothing to confirm.")


class ImportRefused(DomainError):
    """The file cannot be read, or applied as asked; the message says why."""


def read_document(data: bytes) -> object:
    """The file's JSON. Raises ImportRefused when it is not JSON in UTF-8."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ImportRefused(
            _("The file is not JSON in UTF-8: upload a register file as it was exported."),
            field="file",
        ) from None


def preview(filename: str, data: bytes, actor: str) -> tuple[RegisterPlan, RegisterImport | None]:
    """The plan of an uploaded file and, when nothing of it is refused and it changes
    something, the file kept for its confirmation. Raises ImportRefused when it is not JSON.
    The caller commits."""
    checked = plan(read_document(data))
    if checked.refused or not checked.changes_anything:
        return checked, None
    return checked, _store(filename, data, actor)


def _store(filename: str, data: bytes, actor: str) -> RegisterImport:
    for old in db.session.scalars(
        sa.select(RegisterImport).where(
            RegisterImport.state == ImportState.PENDING,
            RegisterImport.uploaded_at < clock.now() - timedelta(hours=PREVIEW_HOURS),
            RegisterImport.document.is_not(None),
        )
    ):
        old.document = None
    name = one_line(PurePath(filename.replace("\\", "/")).name)[:255] or "?"
    kept = RegisterImport(
        uploaded_by=actor,
        uploaded_at=clock.now(),
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        document=read_document(data),
        register_digest=register_digest(),
        state=ImportState.PENDING,
    )
    db.session.add(kept)
    db.session.flush()
    after = {"filename": name, "sha256": kept.sha256}
    audit.record(actor, "register.import_previewed", "register_import", kept.id, after=after)
    return kept


def expired(found: RegisterImport) -> bool:
    deadline = found.uploaded_at + timedelta(hours=PREVIEW_HOURS)
    return found.state == ImportState.PENDING and clock.now() >= deadline


def check_applicable(found: RegisterImport) -> RegisterPlan:
    """The plan of a kept file that may be applied now. Raises ImportRefused when it was
    applied already, its preview expired, the register changed since, or it changes nothing.
    Reads only."""
    if found.state == ImportState.APPLIED:
        raise ImportRefused(_("This file has been applied already; nothing was done again."))
    if expired(found) or found.document is None:
        raise ImportRefused(
            _(
                "This preview has expired after %(hours)d hours: upload the file again.",
                hours=PREVIEW_HOURS,
            )
        )
    if register_digest() != found.register_digest:
        raise ImportRefused(
            _(
                "The register has changed since this preview, so the file was not applied: "
                "upload it again to see what it would do now."
            )
        )
    checked = plan(found.document)
    if checked.refused:
        raise ImportRefused(_("Part of this file is refused: nothing of it can be applied."))
    if not checked.changes_anything:
        raise ImportRefused(_nothing_to_confirm())
    return checked


def apply_import(found: RegisterImport, actor: str) -> RegisterPlan:
    """Apply a kept file, all of it, in the caller's transaction; the plan as applied. Raises
    ImportRefused (`check_applicable`), then nothing is written. The caller commits."""
    db.session.execute(sa.select(AuditHead).where(AuditHead.id == 1).with_for_update())
    db.session.refresh(found, with_for_update=True)
    checked = check_applicable(found)
    write_register(checked, actor)
    found.state = ImportState.APPLIED
    found.applied_at, found.applied_by = clock.now(), actor
    found.summary = checked.counts()
    found.document = None  # the register holds what was applied; the trail the file's hash
    audit.record(
        actor,
        "register.imported",
        "register_import",
        found.id,
        after={
            "filename": found.filename,
            "sha256": found.sha256,
            **checked.counts(),
            "changes": [
                {
                    "kind": item.kind,
                    "key": item.key,
                    "outcome": item.outcome,
                    "changes": [list(change) for change in item.changes],
                }
                for item in checked.items
                if item.outcome in WRITTEN
            ],
        },
    )
    return checked


def import_file(filename: str, data: bytes, actor: str) -> RegisterPlan:
    """Keep and apply a file at once, as the command line does once its operator confirmed.
    Raises ImportRefused. The caller commits."""
    checked, kept = preview(filename, data, actor)
    if checked.refused:
        raise ImportRefused(_("Part of this file is refused: nothing of it can be applied."))
    if kept is None:
        raise ImportRefused(_nothing_to_confirm())
    return apply_import(kept, actor)
