"""The people who keep the register: users of the admin area, their roles and API tokens."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import UTCDateTime, enum_by_value, int_pk
from registry.extensions import db


class Role(enum.StrEnum):
    """What a user may do: a viewer reads, an editor also edits drafts, an admin also announces,
    withdraws, triages objections and manages users."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    def allows(self, needed: "Role") -> bool:
        """Whether this role may do what `needed` may."""
        order = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_by_value(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Part of every session's id: bumping it (logout, new password, deactivation) ends them all.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses a deactivated user's session
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the id and the session version, so that a bumped version
        leaves every earlier session, and a cookie copied from it, without a user."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A user's personal token for the API, sent as `Authorization: Bearer <token>`.

    Only the SHA-256 hash of the token is kept: the token itself is shown once, when issued.
    A revoked token stays, with when it was revoked, so the audit trail can name it.
    """

    __tablename__ = "api_token"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id}>"
