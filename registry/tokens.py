"""Signed, expiring tokens for the links in emails (itsdangerous, keyed by SECRET_KEY).

Each purpose has its own salt, so a token made to confirm an objection cannot be replayed to
read one's state, and each has its own lifetime.
"""

import enum
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from registry import clock


class Purpose(enum.Enum):
    # (salt, lifetime)
    CONFIRM_OBJECTION = ("objection-confirmation", timedelta(days=3))
    OBJECTION_STATE = ("objection-state", timedelta(days=730))
    CONFIRM_SUBSCRIPTION = ("subscription-confirmation", timedelta(days=7))
    # Unsubscribing must work from an old email too.
    UNSUBSCRIBE = ("unsubscribe", timedelta(days=3 * 365))
    # A notice email's objection link: the subscriber is known, for that notice only.
    SUBSCRIBER_OBJECTION = ("subscriber-objection", timedelta(days=400))
    # A customer's contact: the customer's own view (no password), long enough to outlast the
    # longest notice period in the emails that carry it.
    CUSTOMER_VIEW = ("customer-view", timedelta(days=120))
    # A customer notice email's links, for that contact and notice only: [contact, notice].
    CUSTOMER_OBJECTION = ("customer-objection", timedelta(days=400))
    CUSTOMER_APPROVAL = ("customer-approval", timedelta(days=400))
    # A browser that has logged in to an account: the per-account login limit spares it.
    KNOWN_DEVICE = ("known-device", timedelta(days=180))

    @property
    def salt(self) -> str:
        return self.value[0]

    @property
    def lifetime(self) -> timedelta:
        return self.value[1]


class TokenExpired(ValueError):
    """The token was genuine but its lifetime is over."""


class TokenInvalid(ValueError):
    """The token was not made by this registry for this purpose, or was altered."""


class _ClockSigner(TimestampSigner):
    # Tokens are stamped and aged by the registry's clock, which tests move.
    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def sign(purpose: Purpose, value: int | str | list) -> str:
    return _serializer(purpose).dumps(value)


def read(purpose: Purpose, token: str) -> int | str | list:
    """The value signed into `token`. Raises TokenExpired or TokenInvalid."""
    serializer = _serializer(purpose)
    try:
        return serializer.loads(token, max_age=int(purpose.lifetime.total_seconds()))
    except SignatureExpired:
        raise TokenExpired(purpose.salt) from None
    except BadSignature:
        raise TokenInvalid(purpose.salt) from None


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    made = current_app.extensions.setdefault("registry.serializers", {})
    key = (current_app.config["SECRET_KEY"], purpose)
    if key not in made:
        made[key] = URLSafeTimedSerializer(
            current_app.config["SECRET_KEY"], salt=purpose.salt, signer=_ClockSigner
        )
    return made[key]
