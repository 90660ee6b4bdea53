"""Signing per the Standard Webhooks specification (https://www.standardwebhooks.com/, the
`standardwebhooks` package): a secret is `whsec_` and the base64 of random bytes; each delivery
carries `webhook-id` (stable for a message, so a receiver drops a retry it already has),
`webhook-timestamp` (seconds since the epoch) and `webhook-signature`, which holds one `v1,`
signature per secret, separated by spaces, as the specification allows while a secret is
rotated."""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
# The specification asks for 24 to 64 random bytes.
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret, as the receiver keeps it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(signing: list[str], webhook_id: str, sent_at: int, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of a delivery of `body`, signed with each secret of
    `signing` (the current one first), at `sent_at` seconds since the epoch."""
    timestamp = datetime.fromtimestamp(sent_at, UTC)
    signatures = [Webhook(secret).sign(webhook_id, timestamp, body) for secret in signing]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": " ".join(signatures),
    }
