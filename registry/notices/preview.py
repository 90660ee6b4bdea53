"""What announcing a change would publish and send, shown before anything is.

The announcement runs through the same service as the real one, in a transaction that is then
rolled back: the preview is exactly the notice and the email subscribers would get, and leaves
no trace (no notice, no email queued, no audit event).
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.i18n import current_language
from registry.models import ChangeNotice, MessageKind, OutboxMessage
from registry.notices.records import notice_record
from registry.outbox.channels.email.composer import notice_email


@dataclass(frozen=True)
class Preview:
    """The public notice as it would read, the email as it would go, and to how many."""

    notice: dict
    email_subject: str
    email_text: str
    recipients: int


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
    finally:
        db.session.rollback()
    text = written.content.text
    for marker in written.markers:
        text = text.replace(f"%%{marker}%%", _("(a link of its own for each subscriber)"))
    return Preview(record, written.content.subject, text, recipients)
