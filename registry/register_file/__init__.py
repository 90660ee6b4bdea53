"""The whole register as one JSON file, to move it between installations or restore it.

The file is the register's state (`registry.register.state`, every subprocessor in any status,
with its locations, our entities and the chain links) with what a move needs and the state
leaves out: the vocabularies the subprocessors are described with (each term's code, English
name and translations) and a header saying what the file is, when it was written and by whom.

It leaves out what belongs to the installation and its hash chain, not to the register: change
notices, objections, customers and their contacts, subscribers, the audit trail, transfer impact
assessments, users and tokens, the subprocessors' own lists watched for the chain (their
addresses and reviews), the DPF List imports. Much of it is personal data; all of it is history
that another installation's trail never recorded and cannot vouch for.

Ids in the file are the exporting installation's: they tie a chain link to its subprocessors
within the file, nothing more. An import matches by natural keys (`registry.register_file.plan`).
"""

import json

import sqlalchemy as sa
from flask import current_app

from registry import clock
from registry.extensions import db
from registry.links import public_url
from registry.models import (
    DataCategory,
    DataSubjectCategory,
    Purpose,
    RecipientCategory,
    Service,
    TransferAssessment,
)
from registry.register.state import Scope, canonical_bytes, register_state, sha256_of

FORMAT_NAME = "subprocessor-registry/register-export"
# The version of the file's shape: an import takes this version only.
VERSION = 1
SCHEMA_PATH = "/api/v1/schemas/register-export.json"

# Each vocabulary the file holds, by its key.
VOCABULARIES = {
    "recipient_categories": RecipientCategory,
    "services": Service,
    "purposes": Purpose,
    "data_categories": DataCategory,
    "data_subject_categories": DataSubjectCategory,
}
# The parts of the file that are the register; the rest is its header.
REGISTER_PARTS = ("vocabularies", "entities", "subprocessors", "chain_links")


def schema_url() -> str:
    """The schema's address on this installation (`PUBLIC_URL`): its `$id`."""
    return public_url("public.register_export_schema_document")


def export_document() -> dict:
    """The register as the file holds it: the header, then `REGISTER_PARTS`."""
    return {
        "$schema": schema_url(),
        "format": FORMAT_NAME,
        "version": VERSION,
        "exported_at": clock.utc_text(clock.now()),
        "organisation": current_app.config["ORG_NAME"],
        **register_parts(),
    }


def register_parts() -> dict:
    """The register as it stands, without a header: the vocabularies, then the state."""
    state = register_state(Scope.EVERY)
    return {
        "vocabularies": vocabulary_documents(),
        "entities": state["entities"],
        "subprocessors": state["subprocessors"],
        "chain_links": state["chain_links"],
    }


def vocabulary_documents() -> dict[str, list[dict]]:
    """Each vocabulary's terms by code: `{"code", "name", "translations"}`."""
    return {
        key: [
            {"code": term.code, "name": term.name, "translations": dict(term.translations or {})}
            for term in db.session.scalars(sa.select(model).order_by(model.code))
        ]
        for key, model in VOCABULARIES.items()
    }


def register_digest() -> str:
    """The SHA-256 of the register as it stands (`register_parts`), and of which locations an
    assessment keeps: a preview holds while it is unchanged."""
    return sha256_of(canonical_bytes({**register_parts(), "assessed": assessed_location_ids()}))


def assessed_location_ids() -> list[int]:
    """The locations a transfer impact assessment refers to, which are never deleted."""
    return list(
        db.session.scalars(
            sa.select(TransferAssessment.location_id).distinct().order_by("location_id")
        )
    )


def export_bytes() -> bytes:
    """The file: the document as indented UTF-8 JSON."""
    return (json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
