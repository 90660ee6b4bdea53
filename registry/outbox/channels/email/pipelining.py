"""One message over an SMTP connection whose server advertises PIPELINING (RFC 2920).

`smtplib.SMTP.sendmail` waits for the server's answer to MAIL, to RCPT, to DATA and to the end of
the data: four round trips per message. A server that advertises PIPELINING accepts MAIL, RCPT
and DATA in one write and answers them in order, so a message takes two round trips: the
envelope, then the data. `send` reads every answer and checks each as `sendmail` does, and
raises exactly what `sendmail` raises for one recipient, so the transport maps the answers the
same way whichever path a message took.
"""

import re
import smtplib
from contextlib import suppress

_LEADING_PERIOD = re.compile(rb"(?m)^\.")
_CRLF = b"\r\n"
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\],;:\\\"@]+@[^\s<>()\[\],;:\\\"@]+")


def send(connection: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> None:
    """Deliver `data` from `sender` to `recipient` (a str address, as `sendmail` takes it).

    Raises SMTPSenderRefused (MAIL refused), SMTPRecipientsRefused (RCPT refused),
    SMTPDataError (DATA or the message refused), SMTPServerDisconnected, or OSError. An answer
    421 closes the connection; after any other refusal the transaction is reset (RSET), so the
    connection can carry the next message. An address that is not ASCII raises
    UnicodeEncodeError before anything is sent.
    """
    options = f" size={len(data)}" if connection.has_extn("size") else ""
    envelope = (
        f"mail FROM:{_quoted(sender)}{options}\r\nrcpt TO:{_quoted(recipient)}\r\ndata\r\n"
    ).encode("ascii")
    connection.send(envelope)
    # RFC 2920 §3.1: every answer of the group is read and checked, in order.
    mail = connection.getreply()
    if mail[0] == 421:
        connection.close()
        raise smtplib.SMTPSenderRefused(*mail, sender)
    rcpt = connection.getreply()
    if rcpt[0] == 421:
        connection.close()
        raise smtplib.SMTPRecipientsRefused({recipient: rcpt})
    go_ahead = connection.getreply()
    if mail[0] != 250 or rcpt[0] not in (250, 251):
        if go_ahead[0] == 354:
            # A server should not take data for a refused envelope; one that does gets an
            # empty message, which has nobody to go to.
            connection.send(b"." + _CRLF)
            connection.getreply()
        _reset(connection)
    if mail[0] != 250:
        raise smtplib.SMTPSenderRefused(*mail, sender)
    if rcpt[0] not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: rcpt})
    if go_ahead[0] != 354:
        raise smtplib.SMTPDataError(*go_ahead)
    _send_data(connection, data)


def _send_data(connection: smtplib.SMTP, data: bytes) -> None:
    """The data with its lines that begin with a period doubled (RFC 5321 §4.5.2), then the end
    of the data, as `smtplib.SMTP.data` sends them."""
    # Most messages have no line that begins with a period: skip the scan of the whole message.
    quoted = _LEADING_PERIOD.sub(b"..", data) if data.startswith(b".") or b"\n." in data else data
    if not quoted.endswith(_CRLF):
        quoted += _CRLF
    connection.send(quoted + b"." + _CRLF)
    answer = connection.getreply()
    if answer[0] != 250:
        if answer[0] == 421:
            connection.close()
        else:
            _reset(connection)
        raise smtplib.SMTPDataError(*answer)


def _quoted(address: str) -> str:
    """The address in angle brackets, as `smtplib.quoteaddr` gives it. A plain address (what the
    registry stores: validated, without a display name, comments or quotes) needs none of the
    parsing `quoteaddr` does for the general case, which costs more than the rest of a message's
    envelope."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


def _reset(connection: smtplib.SMTP) -> None:
    # A server already gone: the next message finds the connection closed, as after `sendmail`.
    with suppress(smtplib.SMTPServerDisconnected):
        connection.rset()
