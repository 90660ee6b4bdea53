"""The outbox: every message the registry sends is first a row in the database, written in the
same transaction as the change that calls for it, then delivered by the worker through the
message's channel (email so far).

`queueing` writes the rows (one message, or a notice fanned out to every channel's recipients),
`reports` reads them for the admin area and the throttles, `worker` delivers them round by round
and `ledger` records what became of each; `channels` holds the interface a channel implements
and the channels themselves.
"""

from registry.outbox.queueing import (
    cancel_for_contact,
    cancel_for_subscriber,
    enqueue,
    enqueue_each,
    fan_out,
    forget_recipient,
    resend_failed,
    tell_customers,
)
from registry.outbox.reports import delivery_counts, failures, queued_for, queued_since

__all__ = [
    "cancel_for_contact",
    "cancel_for_subscriber",
    "enqueue_each",
    "delivery_counts",
    "enqueue",
    "failures",
    "fan_out",
    "forget_recipient",
    "queued_for",
    "queued_since",
    "resend_failed",
    "tell_customers",
]
