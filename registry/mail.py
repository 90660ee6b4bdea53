"""Email on the wire, and the transports that deliver it.

`Template` makes a complete message of what `registry.emails` wrote: a text and an HTML part;
Message-ID, Date, From with the organisation's name, Reply-To the DPO's address. A transport
delivers it: over SMTP, one connection reused for a whole batch (with the envelope pipelined
when the server allows it, see `registry.pipelining`), or as `.eml` files in `instance/mail/`
when no SMTP server is configured (the local default).
"""

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape
from pathlib import Path
from typing import Protocol

from flask import current_app, render_template

from registry import clock, pipelining
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


class DeliveryError(Exception):
    """The message was not delivered. `permanent`: the server refused it for good (5xx);
    otherwise it is worth trying again later. `connection_lost`: the connection is gone, so
    the rest of the batch waits too."""

    def __init__(self, answer: str, permanent: bool = False, connection_lost: bool = False):
        super().__init__(answer)
        self.answer = answer
        self.permanent = permanent
        self.connection_lost = connection_lost


class Transport(Protocol):
    def send(self, envelope: Envelope) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Writes each message to `<directory>/<Message-ID>.eml`, for reading locally."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, envelope: Envelope) -> None:
        name = envelope.message_id.strip("<>").replace("/", "_")
        path = self.directory / f"{name}.eml"
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            draft.write_bytes(envelope.data)
            draft.replace(path)  # a reader never sees half a message
        except OSError as error:  # a full disk, say: the batch waits
            raise DeliveryError(f"cannot write {path}: {error}", connection_lost=True) from None

    def close(self) -> None:
        """Nothing stays open between messages."""


class SmtpTransport:
    """Delivers over one SMTP connection, opened at the first message and reused until closed.

    `security` is "starttls" (upgrade a plain connection, usually port 587), "tls" (TLS from
    the start, usually port 465) or "none" (a relay on the same machine or network). A server
    that advertises PIPELINING gets each envelope in one write; the answers mean the same.
    """

    def __init__(
        self,
        host: str,
        port: int,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self._connection: smtplib.SMTP | None = None
        self._pipelining = False

    def send(self, envelope: Envelope) -> None:
        connection = self._connection or self._connect()
        try:
            if self._pipelining:
                pipelining.send(connection, envelope.sender, envelope.recipient, envelope.data)
            else:
                connection.sendmail(envelope.sender, [envelope.recipient], envelope.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = error.recipients[envelope.recipient]
            raise self._refused(code, answer) from None
        except smtplib.SMTPSenderRefused as error:
            # Our own address refused: nothing in this batch can go; try again later.
            self.close()
            raise DeliveryError(
                f"{error.smtp_code} {_text(error.smtp_error)} (sender {envelope.sender})",
                connection_lost=True,
            ) from None
        except smtplib.SMTPResponseException as error:
            raise self._refused(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise self._lost(error) from None

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except (smtplib.SMTPException, OSError):
            self._connection.close()
        self._connection = None

    def _connect(self) -> smtplib.SMTP:
        """A connection ready to send, or DeliveryError(connection_lost): a refused greeting,
        TLS or login is a problem of the whole batch, tried again later."""
        try:
            return self._open()
        except smtplib.SMTPResponseException as error:
            self.close()
            answer = f"{error.smtp_code} {_text(error.smtp_error)}"
            raise DeliveryError(
                f"{answer} (connecting to {self.host}:{self.port})", connection_lost=True
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise self._lost(error) from None

    def _lost(self, error: Exception) -> DeliveryError:
        return DeliveryError(
            f"connection to {self.host}:{self.port} failed: {error or type(error).__name__}",
            connection_lost=True,
        )

    def _open(self) -> smtplib.SMTP:
        if self.security == "tls":
            connection = smtplib.SMTP_SSL(
                timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(timeout=self.timeout)
        self._connection = connection
        code, answer = connection.connect(self.host, self.port)
        if code != 220:
            raise smtplib.SMTPConnectError(code, answer)
        connection.ehlo()
        if self.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if self.username:
            connection.login(self.username, self.password or "")
        self._pipelining = connection.has_extn("pipelining")
        return connection

    def _refused(self, code: int, answer: bytes | str) -> DeliveryError:
        text = _text(answer)
        # 421: the server is closing the connection; anything else leaves it usable.
        if code == 421 or code < 400:
            self.close()
        return DeliveryError(
            f"{code} {text}", permanent=500 <= code < 600, connection_lost=code == 421 or code < 400
        )


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def transport_from_config() -> Transport:
    """SMTP when MAIL_SMTP_HOST is set; otherwise `.eml` files in `instance/mail/`."""
    config = current_app.config
    if not config.get("MAIL_SMTP_HOST"):
        return FileTransport(Path(current_app.instance_path) / "mail")
    return SmtpTransport(
        config["MAIL_SMTP_HOST"],
        config["MAIL_SMTP_PORT"],
        config["MAIL_SMTP_SECURITY"],
        config.get("MAIL_SMTP_USERNAME"),
        config.get("MAIL_SMTP_PASSWORD"),
    )
