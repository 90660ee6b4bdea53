"""Who sees the verdicts: the provider's team always, the public only when PUBLISH_VERDICTS is set.

A verdict (valid, needs attention, no valid ground) and its reasons are the engine's judgement
for the team; the public register shows facts: each location's country status, transfer ground
and safeguards (DESIGN.md, "Verdict"). Pages and the CSV file carry verdicts only when they are
published; the API also gives them to a logged-in user (any role) and to a caller with a valid
personal API token, sent as `Authorization: Bearer <token>`.
"""

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from registry import accounts
from registry.errors import json_error
from registry.register.transfer_records import VERDICT_KEYS


def verdicts_published() -> bool:
    """Whether the public sees verdicts and reasons (PUBLISH_VERDICTS)."""
    return current_app.config["PUBLISH_VERDICTS"]


def api_shows_verdicts() -> bool:
    """Whether this API request gets verdicts: published, or asked by a user or a token."""
    return verdicts_published() or current_user.is_authenticated or g.get("api_user") is not None


def read_api_token() -> tuple[Response, int] | None:
    """Before an API request: the user of its bearer token, kept in `g.api_user`.

    A request without an Authorization header goes on as the public; one whose header is not a
    valid token in force is refused with a 401 JSON error (RFC 6750).
    """
    header = request.headers.get("Authorization")
    if header is None or not request.path.startswith("/api/"):
        return None
    scheme, _space, token = header.strip().partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = accounts.user_by_api_token(token.strip())
    if user is None:
        response, status = json_error(
            401,
            _(
                "The API token is not valid: it is unknown or revoked, or its user is "
                "deactivated. Send “Authorization: Bearer <token>” with a token in force, "
                "or no Authorization header for the public register."
            ),
        )
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response, status
    g.api_user = user
    return None


def private_to_caller(response: Response) -> Response:
    """After an API request: its answer depends on who asks, so no shared cache keeps it."""
    if request.path.startswith("/api/"):
        # A public answer (no session cookie: registry.response_cache) varies by the token
        # only; an answer to the team or a token holder is private, so no shared cache gives
        # it to anyone else.
        public = g.get("public_answer") is not None
        response.vary.update(("Authorization",) if public else ("Authorization", "Cookie"))
        if api_shows_verdicts() and not verdicts_published():
            response.cache_control.private = True
    return response


def facts_only(records: list[dict]) -> list[dict]:
    """The published records without the verdict and reasons of any location."""
    return [
        {**record, "locations": [location_facts(entry) for entry in record["locations"]]}
        for record in records
    ]


def hops_facts_only(hops: list[dict]) -> list[dict]:
    """A processing chain's hops (`registry.chain.records`) without any verdict, to any depth."""
    return [{**hop, "hops": hops_facts_only(hop["hops"])} for hop in facts_only(hops)]


def location_facts(location: dict) -> dict:
    """A location (or a transfer entry) whose transfer keeps its facts but not its verdict."""
    transfer = location["transfer"]
    transfer = {key: value for key, value in transfer.items() if key not in VERDICT_KEYS}
    return {**location, "transfer": transfer}
