"""What announcing a change would publish and send, shown before anything is.

The announcement runs through the same service as the real one, in a transaction that is then
rolled back: the preview is exactly the notice and the email subscribers would get, and leaves
no trace (no notice, no email queued, no audit event).
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import clock
from registry.extensions import db
from registry.i18n import current_language
from registry.models import ChangeNotice, CustomerNotice, MessageKind, OutboxMessage
from registry.notices.records import notice_record
from registry.outbox.channels.email.composer import notice_email


@dataclass(frozen=True)
class Preview:
    """The public notice as it would read, the email as it would go, and to how many."""

    notice: dict
    email_subject: str
    email_text: str
    recipients: int
    # Each customer the change concerns: its organisation, its own deadline, whether it must
    # approve, and how many of its contacts would be emailed.
    customers: tuple[dict, ...] = ()


def preview(announce: Callable[[], ChangeNotice]) -> Preview:
    """Run `announce` (a call of `changes.announce`), read what it would publish and send, and
    roll it all back. Raises what the announcement raises."""
    try:
        notice = announce()
        db.session.flush()
        record = notice_record(notice)
        written = notice_email(MessageKind.NOTICE_ANNOUNCED)(notice.id, current_language())
        recipients = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.subject_id == notice.id,
                OutboxMessage.kind == MessageKind.NOTICE_ANNOUNCED,
            )
        )
        customers = tuple(_customers(notice))
    finally:
        db.session.rollback()
    text = written.content.text
    for marker in written.markers:
        text = text.replace(f"%%{marker}%%", _("(a link of its own for each subscriber)"))
    return Preview(record, written.content.subject, text, recipients, customers)


def _customers(notice: ChangeNotice) -> list[dict]:
    contacts = (
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.kind == MessageKind.CUSTOMER_NOTICE_ANNOUNCED,
            OutboxMessage.subject_id == CustomerNotice.id,
            OutboxMessage.contact_id.is_not(None),  # emails, not webhooks
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(CustomerNotice, contacts)
        .where(CustomerNotice.notice_id == notice.id)
        .order_by(CustomerNotice.objection_deadline, CustomerNotice.id)
    ).all()
    return [
        {
            "organisation": record.customer.organisation,
            "reference": record.customer.reference,
            "deadline_local": clock.local_text(record.objection_deadline),
            "notice_days": record.notice_days,
            "needs_approval": record.needs_approval,
            "contacts": emailed,
        }
        for record, emailed in rows
    ]
