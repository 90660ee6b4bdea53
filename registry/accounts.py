"""Creating users, changing what they may do, and their personal API tokens; every change is on
the audit trail."""

import functools
import hashlib
import secrets

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from registry import audit, clock
from registry.domain import DomainError
from registry.extensions import db
from registry.models.accounts import ApiToken, Role, User

MINIMUM_PASSWORD_LENGTH = 12
# The longest address a mail server takes (RFC 5321, 4.5.3.1.3: a path of 256 octets, less the
# angle brackets); a longer one is refused before the costly syntax check.
LONGEST_EMAIL = 254


class AccountError(DomainError):
    """A user cannot be created or changed as asked; the message says why."""


def create_user(email: str, password: str, role: Role, actor: str) -> User:
    """Add a user with a scrypt-hashed password. The caller commits.

    Raises AccountError for an invalid or taken address, or a password that is too short.
    """
    address = normalised_email(email)
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise AccountError(
            _(
                "The password must have at least %(count)d characters.",
                count=MINIMUM_PASSWORD_LENGTH,
            )
        )
    if user_by_email(address) is not None:
        raise AccountError(_("There is already a user %(email)s.", email=address))
    user = User(
        email=address,
        password_hash=generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        ),
        role=role,
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id, after=_snapshot(user))
    return user


def deactivate_user(user: User, actor: str) -> None:
    """Stop a user from logging in; their past actions stay on the trail. The caller commits."""
    if not user.active:
        return
    before = _snapshot(user)
    user.active = False
    audit.record(actor, "user.deactivated", "user", user.id, before=before, after=_snapshot(user))
    end_sessions(user, actor)


def end_sessions(user: User, actor: str) -> None:
    """End every session of `user` on the server (logout, deactivation): their cookies no
    longer name a user, even copied before. The caller commits."""
    user.session_version = User.session_version + 1
    db.session.flush()
    audit.record(actor, "user.sessions_ended", "user", user.id)


def issue_api_token(user: User, actor: str) -> str:
    """A new random API token for `user`, returned once: only its SHA-256 hash is stored. The
    caller commits. Raises AccountError for a deactivated user."""
    if not user.active:
        raise AccountError(_("%(email)s is deactivated.", email=user.email))
    token = secrets.token_urlsafe(32)
    issued = ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=clock.now())
    db.session.add(issued)
    db.session.flush()
    audit.record(actor, "api_token.issued", "api_token", issued.id, after={"user": user.email})
    return token


def revoke_api_tokens(user: User, actor: str) -> int:
    """Revoke every API token of `user` still in force, and say how many. The caller commits."""
    in_force = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in in_force:
        token.revoked_at = clock.now()
        before, after = (
            {"user": user.email, "revoked": False},
            {"user": user.email, "revoked": True},
        )
        audit.record(actor, "api_token.revoked", "api_token", token.id, before=before, after=after)
    return len(in_force)


def user_by_api_token(token: str) -> User | None:
    """The active user whose token in force this is, or None."""
    return db.session.scalar(
        sa.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == _token_hash(token),
            ApiToken.revoked_at.is_(None),
            User.active,
        )
    )


def _token_hash(token: str) -> str:
    # The token is 256 random bits: a fast hash is enough, and lets the lookup use the index.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this address and password, or None."""
    try:
        user = user_by_email(normalised_email(email))
    except AccountError:
        return None
    if user is None:
        # Hash anyway, so that an unknown address takes as long to refuse as a wrong password.
        check_password_hash(
            _unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@functools.cache
def _unknown_user_hash(method: str) -> str:
    # Hashed like the users' passwords, so that checking it takes as long as theirs; made at the
    # first login of an unknown address, not at import, where every process (the worker, each
    # command) would pay scrypt's time and memory (32 MiB) for nothing.
    return generate_password_hash("no such user", method=method)


def user_by_email(address: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == address))


def has_users() -> bool:
    return db.session.scalar(sa.select(User.id).limit(1)) is not None


def normalised_email(email: str) -> str:
    """The address, checked for syntax and lower-cased, its domain in ASCII (IDNA), so that
    every mail server takes it; a local part beyond ASCII is refused. Raises AccountError."""
    if len(email) > LONGEST_EMAIL:
        raise AccountError(
            _("An email address has at most %(count)s characters.", count=LONGEST_EMAIL)
        )
    try:
        checked = validate_email(email.strip(), check_deliverability=False, allow_smtputf8=False)
        return checked.ascii_email.lower()
    except EmailNotValidError as error:
        raise AccountError(
            _("“%(value)s” is not an email address: %(reason)s", value=email, reason=error)
        ) from None


def address_key(given: str) -> str:
    """The address as a counter's key: normalised when valid, so that every spelling of one
    address shares a rate limit; trimmed and lower-cased when not (cut to the longest address,
    so that a megabyte sent as an address costs nothing to count)."""
    try:
        return normalised_email(given)
    except AccountError:
        return given[:LONGEST_EMAIL].strip().lower()


def _snapshot(user: User) -> dict:
    # Never the password hash: the trail is exported to auditors.
    return {"email": user.email, "role": user.role.value, "active": user.active}
