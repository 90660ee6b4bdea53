"""Email on the wire: `Template` makes a complete message of what the composer wrote, a text and
an HTML part; Message-ID, Date, From with the organisation's name, Reply-To the DPO's address.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape

from flask import current_app, render_template

from registry import clock
from registry.single_line import one_line


@dataclass(frozen=True)
class Content:
    """What a message says, in one language."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Envelope:
    """A message ready for the wire."""

    sender: str
    recipient: str
    message_id: str
    data: bytes


class Template:
    """A message written once and sent to many: its text and HTML parts carry markers such as
    %%UNSUBSCRIBE_URL%%, filled per recipient by replacing bytes, so that a notice to ten
    thousand subscribers is rendered and encoded once per language, not ten thousand times.

    The parts are sent as 8-bit UTF-8, so that a marker is never split by an encoding; a value
    put in the HTML part is escaped for HTML.
    """

    TO = "recipient@placeholder.invalid"
    MESSAGE_ID = "<message-id@placeholder.invalid>"
    DATE = "Thu, 01 Jan 1970 00:00:00 +0000"

    def __init__(
        self,
        content: Content,
        language: str,
        markers: tuple[str, ...] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        config = current_app.config
        self.sender = config["MAIL_FROM"]
        self.domain = self.sender.rpartition("@")[2]
        html = content.html
        for marker in markers:
            html = html.replace(f"%%{marker}%%", f"%%{marker}|html%%")
        message = EmailMessage(policy=policy.SMTP)
        # A header ends at a line break: a name stored with one (before the forms refused them)
        # still makes a Subject, on one line.
        message["Subject"] = one_line(content.subject)
        message["From"] = formataddr((one_line(config["ORG_NAME"]), self.sender))
        message["To"] = self.TO
        message["Reply-To"] = config["DPO_EMAIL"]
        message["Date"] = self.DATE
        message["Message-ID"] = self.MESSAGE_ID
        for name, value in (headers or {}).items():
            message[name] = one_line(value)
        message.set_content(content.text, cte="8bit")
        message.add_alternative(html, subtype="html", cte="8bit")
        message["Content-Language"] = language  # after the parts: setting them clears Content-*
        self.data = bytes(message)
        self.markers = markers
        self._pieces = self._split(self.data, markers)

    def fill(self, recipient: str, message_id: str, values: dict[str, str]) -> Envelope:
        """The message for one recipient: its pieces joined once around the values."""
        filled = {
            "To": recipient.encode(),
            "Message-ID": message_id.encode(),
            "Date": format_datetime(clock.now()).encode(),
        }
        for marker in self.markers:
            value = values[marker]
            filled[marker] = value.encode()
            filled[f"{marker}|html"] = escape(value).encode()
        data = b"".join(piece if slot is None else filled[slot] for piece, slot in self._pieces)
        return Envelope(self.sender, recipient, message_id, data)

    @classmethod
    def _split(cls, data: bytes, markers: tuple[str, ...]) -> list[tuple[bytes, str | None]]:
        """The message as literal pieces and named slots: the first To, Message-ID and Date
        placeholders (the headers), and every marker, each in its plain and HTML form."""
        once = {
            cls.TO.encode(): "To",
            cls.MESSAGE_ID.encode(): "Message-ID",
            cls.DATE.encode(): "Date",
        }
        every = {
            f"%%{marker}{form}%%".encode(): f"{marker}{form}"
            for marker in markers
            for form in ("", "|html")
        }
        pattern = re.compile(b"|".join(map(re.escape, [*once, *every])))
        pieces, start = [], 0
        for found in pattern.finditer(data):
            slot = once.pop(found.group(), None) or every.get(found.group())
            if slot is None:  # a header placeholder seen a second time stays as it is
                continue
            pieces += [(data[start : found.start()], None), (b"", slot)]
            start = found.end()
        pieces.append((data[start:], None))
        return pieces

    def message_id(self, key: str, queued_at: datetime) -> str:
        """The same on every attempt, so a mail client shows a message that was sent twice (a
        worker killed between the server's answer and its own record) only once."""
        return f"<{key.replace(':', '.')}.{int(queued_at.timestamp())}@{self.domain}>"


def organisation() -> str:
    return current_app.config["ORG_NAME"]


def render(template: str, **context) -> tuple[str, str]:
    """The text and HTML parts from `mail/<template>.txt` and `mail/<template>.html`."""
    context.setdefault("organisation", current_app.config["ORG_NAME"])
    context.setdefault("dpo_email", current_app.config["DPO_EMAIL"])
    return (
        render_template(f"mail/{template}.txt", **context),
        render_template(f"mail/{template}.html", **context),
    )
