"""The Data Privacy Framework List, imported from a saved copy and checked against the register.

`import_list` stores the entries of a file (`list_file` reads it) in place of the last import's,
with one `dpf.list_imported` event naming the file's SHA-256; `checks` compares every US
importer's DPF facts on the register with the list. The register itself is not changed: what
differs is shown, and the team records the facts it confirms (`drafts.record_importer_facts`).
"""

import hashlib

import sqlalchemy as sa

from registry import audit, clock
from registry.dpf.list_file import ListFileRefused, matching_name, read_list
from registry.extensions import db
from registry.models import DpfListEntry, DpfListImport

__all__ = ["ListFileRefused", "import_list", "last_import"]


def import_list(filename: str, content: bytes, actor: str) -> DpfListImport:
    """Store the organisations of a saved copy of the list in place of the last import's, and
    record the import (file name, SHA-256, count) on the audit trail. Raises ListFileRefused,
    with nothing stored, when the file cannot be read as the list. The caller commits."""
    rows = read_list(content)
    replaced = db.session.scalar(sa.select(sa.func.count()).select_from(DpfListEntry))
    db.session.execute(sa.delete(DpfListEntry))
    imported = DpfListImport(
        filename=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        imported_at=clock.now(),
        imported_by=actor,
        entry_count=len(rows),
    )
    db.session.add(imported)
    db.session.flush()
    db.session.execute(
        sa.insert(DpfListEntry),
        [
            {
                "import_id": imported.id,
                "row": row.row,
                "organisation": row.organisation,
                "matching_name": matching_name(row.organisation)[:500],
                "status": row.status,
                "active": row.active,
                "covers_hr": row.covers_hr,
                "covers_non_hr": row.covers_non_hr,
                "frameworks": row.frameworks,
                "eu_us": row.eu_us,
                "next_recertification": row.next_recertification,
            }
            for row in rows
        ],
    )
    audit.record(
        actor,
        "dpf.list_imported",
        "dpf_list_import",
        imported.id,
        after={
            "filename": imported.filename,
            "sha256": imported.sha256,
            "entries": len(rows),
            "active": sum(row.active for row in rows),
            "replaced_entries": replaced,
        },
    )
    return imported


def last_import() -> DpfListImport | None:
    """The import whose entries are stored, if any."""
    return db.session.scalars(
        sa.select(DpfListImport).order_by(DpfListImport.id.desc()).limit(1)
    ).first()
