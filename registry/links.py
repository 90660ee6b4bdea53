"""Addresses of public pages for emails, which are written by the worker outside any request:
PUBLIC_URL, then the page's path."""

from flask import abort, current_app
from flask_babel import gettext as _

from registry import tokens


def public_url(endpoint: str, **values) -> str:
    adapter = current_app.extensions.get("registry.public_urls")
    if adapter is None:  # bound once: a notice's links are built for every subscriber
        adapter = current_app.url_map.bind("", url_scheme="https")
        current_app.extensions["registry.public_urls"] = adapter
    return current_app.config["PUBLIC_URL"] + adapter.build(endpoint, values)


def signed_value(purpose: tokens.Purpose, token: str) -> int | str | list:
    """The value signed into an emailed link's token. Raises tokens.TokenExpired (each page
    says what to do then); aborts with 404 for a token this registry did not make."""
    try:
        return tokens.read(purpose, token)
    except tokens.TokenInvalid:
        abort(
            404,
            description=_(
                "This link is not one we sent, or it was cut short. "
                "Copy the whole address from the email."
            ),
        )
