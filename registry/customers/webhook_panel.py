"""The webhook endpoints of a customer as its page shows them, the admin's and the customer's
own alike: each endpoint with its state and its latest attempts, the form for a new one, and
the secret just made, shown this once."""

from collections.abc import Callable

from registry import clock, labels
from registry.customers import webhooks
from registry.customers.forms import WebhookForm
from registry.models import Customer

ACTIONS = ("rotate", "disable", "enable", "delete", "test")


def panel(
    customer: Customer,
    action: Callable[[str, int | None], str],
    form: WebhookForm | None = None,
    shown: dict | None = None,
) -> dict:
    """What `_webhooks.html` shows. `action(name, endpoint_id)` is the address each button
    posts to (`register` with no endpoint); `shown` holds an endpoint's id and the secret just
    made for it."""
    log = webhooks.delivery_log(customer)
    endpoints = [
        {
            "id": endpoint.id,
            "address": webhooks.display_address(endpoint),
            "format_name": labels.WEBHOOK_FORMATS[endpoint.format],
            "description": endpoint.description,
            "enabled": endpoint.enabled,
            "disabled_at_local": (
                clock.local_text(endpoint.disabled_at) if endpoint.disabled_at else None
            ),
            "disabled_reason": endpoint.disabled_reason,
            "failures": endpoint.consecutive_failures,
            "previous_secret_until_local": (
                clock.local_text(endpoint.previous_secret_expires_at)
                if len(webhooks.signing_secrets(endpoint)) > 1
                else None
            ),
            "actions": {name: action(name, endpoint.id) for name in ACTIONS},
            "attempts": log.get(endpoint.id, []),
        }
        for endpoint in webhooks.endpoints_of(customer)
    ]
    return {
        "endpoints": endpoints,
        "form": form or WebhookForm(prefix="webhook", formdata=None),
        "register_url": action("register", None),
        "shown": shown,
    }
