"""The public side: the register as a page, a CSV file and a JSON API; no login."""

from flask import Blueprint

blueprint = Blueprint("public", __name__)

from registry.public import access  # noqa: E402

blueprint.before_request(access.read_api_token)
blueprint.after_request(access.private_to_caller)

from registry.public import (  # noqa: E402, F401
    change_views,
    feed_views,
    objection_views,
    subscription_views,
    transfer_views,
    verdict_views,
    views,
)
