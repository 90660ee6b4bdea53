"""The public side: the register as a page, a CSV file and a JSON API; no login."""

from importlib import import_module

from flask import Blueprint

blueprint = Blueprint("public", __name__)

from registry.public import access  # noqa: E402

blueprint.before_request(access.read_api_token)
blueprint.after_request(access.private_to_caller)

# Each area's public pages, whose routes land on this blueprint when imported.
VIEW_MODULES = (
    "registry.customers.feed_views",
    "registry.customers.views",
    "registry.customers.webhook_views",
    "registry.history.diff_views",
    "registry.history.views",
    "registry.notices.feeds",
    "registry.notices.views",
    "registry.objections.views",
    "registry.openapi.views",
    "registry.public.verdict_views",
    "registry.register.transfer_views",
    "registry.register.views",
    "registry.register_file.schema_views",
    "registry.subscriptions.views",
)
for module in VIEW_MODULES:
    import_module(module)
