"""Addresses of public pages for emails, which are written by the worker outside any request:
PUBLIC_URL, then the page's path."""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("", url_scheme="https").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path
