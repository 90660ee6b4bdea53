"""The link to a customer's own view, emailed on request to the customer's contacts.

Whoever asks gives an address. Each registered contact with that address, at a customer whose
contract is running, is emailed the signed link (`tokens.Purpose.CUSTOMER_VIEW`); nobody else
gets anything, and the form answers the same either way, so it tells nobody who is a contact.
Since anyone may type a contact's address, a contact gets at most MAX_LINKS_PER_DAY links a day,
RESEND_AFTER apart (a double click sends one): the form cannot flood a mailbox. Asking for a
link changes nothing on the register, so it is not on the audit trail; the outbox keeps each
email sent, with the contact, as for every message to a customer.
"""

from datetime import timedelta

from registry import clock, customers, outbox
from registry.models import CustomerContact, MessageKind

MAX_LINKS_PER_DAY = 3
RESEND_AFTER = timedelta(minutes=10)


def send_view_links(email: str) -> int:
    """Queue the link to its customer's view to each registered, unerased contact with this
    address whose customer's contract is running, in the customer's language, unless it had
    enough links lately; return how many were queued. The caller commits."""
    queued = 0
    for contact in customers.contacts_with_address(email):
        if contact.customer.contract_ended_on is not None or not _may_send(contact):
            continue
        queued += outbox.enqueue(
            MessageKind.CUSTOMER_VIEW_LINK,
            _key(contact),
            contact.email,
            contact.customer.language,
            contact.id,
            contact_id=contact.id,
        )
    return queued


def _may_send(contact: CustomerContact) -> bool:
    now, kind = clock.now(), MessageKind.CUSTOMER_VIEW_LINK
    if outbox.queued_since(kind, now - RESEND_AFTER, subject_id=contact.id):
        return False
    return outbox.queued_since(kind, now - timedelta(days=1), subject_id=contact.id) < (
        MAX_LINKS_PER_DAY
    )


def _key(contact: CustomerContact) -> str:
    """One key per contact and RESEND_AFTER slot: two requests racing in the same slot queue
    one email, whichever wins."""
    slot = int(clock.now().timestamp() // RESEND_AFTER.total_seconds())
    return f"{MessageKind.CUSTOMER_VIEW_LINK.value}:{contact.id}:{slot}"
