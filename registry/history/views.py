"""The register's signed snapshots in public: the list, each snapshot's signed bytes and its
signature, the public keys under /.well-known/, and the same list in JSON."""

import base64

import sqlalchemy as sa
from flask import Response, abort, render_template
from flask_babel import gettext as _

from registry import clock
from registry.database import UTCDateTime
from registry.extensions import db
from registry.history import records as history
from registry.history import signing
from registry.history.words import cause_text
from registry.models import RegisterSnapshot
from registry.public import blueprint

KEY_FILE = "registry-signing-key.pem"


@blueprint.get("/snapshots")
def snapshots():
    listed = []
    for snapshot in history.all_snapshots():
        entry = history.listed(snapshot)
        causes = [{**cause, "text": cause_text(cause["action"])} for cause in entry["causes"]]
        listed.append({**entry, "local": clock.local_text(snapshot.taken_at), "causes": causes})
    key = signing.private_key().public_key()
    return render_template(
        "public/snapshots.html",
        snapshots=listed,
        fingerprint=signing.fingerprint(key),
        key_file=KEY_FILE,
    )


@blueprint.get("/snapshots/<id:snapshot_id>.json")
def snapshot_json(snapshot_id: int):
    snapshot = _snapshot(snapshot_id)
    return Response(
        snapshot.document.encode("utf-8"),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=snapshot-{snapshot.id}.json"},
    )


@blueprint.get("/snapshots/<id:snapshot_id>.sig")
def snapshot_signature(snapshot_id: int):
    snapshot = _snapshot(snapshot_id)
    return Response(
        snapshot.signature,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename=snapshot-{snapshot.id}.sig"},
    )


@blueprint.get("/api/v1/snapshots")
def api_snapshots():
    """Every signed snapshot of the register.
    ---
    get:
      summary: The register's signed snapshots
      description: >-
        Every snapshot of the published register, newest first: when it was taken, why, the
        SHA-256 of its document, its Ed25519 signature and the fingerprint of the key that
        signed it. The signed bytes are at `url`; the public keys at
        `/.well-known/registry-signing-key.pem` (the current one) and
        `/.well-known/registry-signing-keys.json` (every key that signed one).
      responses:
        200:
          description: The snapshots.
          content:
            application/json:
              schema: SnapshotList
    """
    return {
        "key_fingerprint": signing.fingerprint(signing.private_key().public_key()),
        "snapshots": [
            {
                **history.listed(snapshot),
                "signature_base64": base64.b64encode(snapshot.signature).decode("ascii"),
            }
            for snapshot in history.all_snapshots()
        ],
    }


@blueprint.get(f"/.well-known/{KEY_FILE}")
def signing_key():
    return Response(
        signing.public_pem(signing.private_key().public_key()),
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": f"inline; filename={KEY_FILE}"},
    )


@blueprint.get("/.well-known/registry-signing-keys.json")
def signing_keys():
    """Every key that signed a snapshot, and the current one: a snapshot signed before the key
    changed stays verifiable with the key its fingerprint names."""
    current = signing.private_key().public_key()
    rows = db.session.execute(
        sa.select(
            RegisterSnapshot.key_fingerprint,
            RegisterSnapshot.public_key,
            # The column's type, so that SQLite too gives aware UTC instants back.
            sa.type_coerce(sa.func.min(RegisterSnapshot.taken_at), UTCDateTime()),
            sa.type_coerce(sa.func.max(RegisterSnapshot.taken_at), UTCDateTime()),
            sa.func.count(),
        )
        .group_by(RegisterSnapshot.key_fingerprint, RegisterSnapshot.public_key)
        .order_by(sa.func.min(RegisterSnapshot.taken_at))
    )
    return {
        "algorithm": "Ed25519",
        "current": {
            "fingerprint": signing.fingerprint(current),
            "public_key": signing.public_pem(current),
        },
        "keys": [
            {
                "fingerprint": fingerprint,
                "public_key": public_key,
                "first_signed": clock.utc_text(first),
                "last_signed": clock.utc_text(last),
                "snapshots": count,
            }
            for fingerprint, public_key, first, last, count in rows
        ],
    }


def _snapshot(snapshot_id: int) -> RegisterSnapshot:
    snapshot = db.session.get(RegisterSnapshot, snapshot_id)
    if snapshot is None:
        abort(404, description=_("There is no snapshot with number %(id)s.", id=snapshot_id))
    return snapshot
