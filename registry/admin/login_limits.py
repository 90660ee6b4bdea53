"""How the login page slows down guessing without locking out the account's owner.

Failed attempts count twice: per client (its address), in growing steps (a minute after five
failures, an hour after twenty, a day after a hundred), and per account, so that guessing from
many addresses slows down too. A browser that has logged in to the account before carries a
signed cookie saying so (OWASP's "device cookie"); the per-account count does not apply to it,
so the right password from the owner's own browser still works while someone else guesses.
Only failures count: a successful login costs nothing.
"""

import hashlib

from flask import Response, current_app, request

from registry import tokens
from registry.accounts import address_key

PER_CLIENT = "5 per minute;20 per hour;100 per day"
PER_ACCOUNT = "10 per 15 minutes;50 per day"
DEVICE_COOKIE = "registry_known_device"
ACCOUNTS_PER_DEVICE = 5


def failed(response: Response) -> bool:
    """Whether a login attempt failed: a successful one redirects."""
    return request.method == "POST" and response.status_code != 302


def account_key() -> str:
    """One counter per account, however its address is written."""
    return "login:" + address_key(request.form.get("email", ""))


def from_known_device() -> bool:
    """Whether this browser has logged in before to the account it names now."""
    return _account_mark(request.form.get("email", "")) in _known_accounts()


def remember_device(response: Response, email: str) -> None:
    """Mark this browser as one the account's owner logs in from."""
    known = [mark for mark in _known_accounts() if mark != _account_mark(email)]
    known = [_account_mark(email), *known][:ACCOUNTS_PER_DEVICE]
    response.set_cookie(
        DEVICE_COOKIE,
        tokens.sign(tokens.Purpose.KNOWN_DEVICE, known),
        max_age=int(tokens.Purpose.KNOWN_DEVICE.lifetime.total_seconds()),
        path=request.script_root + "/admin/login",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _known_accounts() -> list[str]:
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return []
    try:
        known = tokens.read(tokens.Purpose.KNOWN_DEVICE, cookie)
    except (tokens.TokenExpired, tokens.TokenInvalid):
        return []
    return [mark for mark in known if isinstance(mark, str)] if isinstance(known, list) else []


def _account_mark(email: str) -> str:
    # A digest, not the address: the cookie says nothing about whose account it is.
    return hashlib.sha256(address_key(email).encode()).hexdigest()[:24]
