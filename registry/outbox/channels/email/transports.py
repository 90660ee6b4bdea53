"""The transports that deliver an email: over SMTP, one connection reused for a whole round
(with the envelope pipelined when the server allows it, see `pipelining`), or as `.eml` files
in `instance/mail/` when no SMTP server is configured (the local default).
"""

import os
import smtplib
import ssl
from pathlib import Path
from typing import Protocol

from flask import current_app

from registry.outbox.channels.email import pipelining
from registry.outbox.channels.email.wire import Envelope


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
