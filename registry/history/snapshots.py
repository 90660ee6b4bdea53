"""Taking the signed snapshots: in the transaction of every write that may change the public
register, once it is done.

Each audit event of an action in REGISTER_ACTIONS notes itself on its session; when that session
commits, `take_pending` builds the published register's document (`registry.register.state`)
and, if its SHA-256 differs from the latest snapshot's, signs it, stores it and writes
`snapshot.signed` to the audit trail with the snapshot's id and hash, in the same transaction.
Those writes hold the audit trail's head (locked FOR UPDATE; on SQLite the write lock), so two
writers take their snapshots one after the other, and the second compares with the first's.
Whoever needs a snapshot at an instant of its own before committing (the demo's replayed
history, the worker between notices) calls `take_pending` itself.
"""

import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy.orm import object_session

from registry import audit, clock
from registry.extensions import db
from registry.history import signing
from registry.models import AuditEvent, RegisterSnapshot
from registry.register import state
from registry.register.records import PUBLISHED_ACTIONS

# The audit actions after which the public register may read otherwise: PUBLISHED_ACTIONS, and
# a link in the chain or a flow-down clause, recorded at once on subprocessors in effect.
REGISTER_ACTIONS = frozenset(PUBLISHED_ACTIONS) | {"chain.linked", "chain.flow_down_recorded"}
SIGNED_ACTION = "snapshot.signed"
_PENDING = "register_changes"


@sa.event.listens_for(AuditEvent, "after_insert")
def _note_register_change(_mapper, _connection, event: AuditEvent) -> None:
    if event.action in REGISTER_ACTIONS:
        object_session(event).info.setdefault(_PENDING, []).append(
            {
                "event_id": event.id,
                "actor": event.actor,
                "action": event.action,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
            }
        )


@sa.event.listens_for(Session, "before_commit")
def _take_before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        take_pending(session)


@sa.event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def take_pending(session: Session | None = None) -> RegisterSnapshot | None:
    """Take a snapshot if the register changes noted on the session changed what the public
    register reads; return it, or None. The caller commits."""
    session = session or db.session
    causes = session.info.pop(_PENDING, None)
    if not causes:
        return None
    return take(causes, session)


def take(causes: list[dict], session: Session | None = None) -> RegisterSnapshot | None:
    """Sign and store the published register as it reads now, unless the latest snapshot says
    the same; write `snapshot.signed` to the audit trail. Returns the new snapshot or None."""
    session = session or db.session
    canonical = state.canonical_bytes(state.register_state(state.Scope.PUBLISHED))
    digest = state.sha256_of(canonical)
    if latest_sha256(session) == digest:
        return None
    key = signing.private_key()
    snapshot = RegisterSnapshot(
        taken_at=clock.now(),
        sha256=digest,
        document=canonical.decode("utf-8"),
        signature=key.sign(canonical),
        key_fingerprint=signing.fingerprint(key.public_key()),
        public_key=signing.public_pem(key.public_key()),
        causes=[{name: cause[name] for name in cause if name != "actor"} for cause in causes],
    )
    session.add(snapshot)
    session.flush()
    audit.record(
        causes[-1]["actor"],
        SIGNED_ACTION,
        "register_snapshot",
        snapshot.id,
        after={
            "sha256": digest,
            "key_fingerprint": snapshot.key_fingerprint,
            "causes": [cause["event_id"] for cause in causes],
        },
    )
    return snapshot


def latest_sha256(session: Session | None = None) -> str | None:
    """The SHA-256 of the latest snapshot, or None before the first."""
    session = session or db.session
    return session.scalar(
        sa.select(RegisterSnapshot.sha256).order_by(RegisterSnapshot.id.desc()).limit(1)
    )
