"""Addresses of public pages for emails, which are written by the worker outside any request:
PUBLIC_URL, then the page's path."""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    adapter = current_app.extensions.get("registry.public_urls")
    if adapter is None:  # bound once: a notice's links are built for every subscriber
        adapter = current_app.url_map.bind("", url_scheme="https")
        current_app.extensions["registry.public_urls"] = adapter
    return current_app.config["PUBLIC_URL"] + adapter.build(endpoint, values)
