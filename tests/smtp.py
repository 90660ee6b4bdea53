"""A real SMTP server on loopback (aiosmtpd), for the tests of delivery: it keeps what it
accepts, and can be told to answer 421 for a while or 550 for an address, and to advertise
PIPELINING (aiosmtpd reads commands from its stream in order, so it serves a pipelined client
correctly; it only does not say so)."""

import asyncio
import email
import socket
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Sink:
    """The handler: records each accepted message; `temporary_failures` DATA commands are
    answered 421 first, `senders_refused` MAIL commands 451; addresses in `refused` get a 550
    at RCPT, those in `busy` a 450."""

    def __init__(self, pipelining: bool = False) -> None:
        self.pipelining = pipelining
        self.messages: list[EmailMessage] = []
        self.temporary_failures = 0
        self.senders_refused = 0
        self.refused: set[str] = set()
        self.busy: set[str] = set()
        # RCPT for this address waits until `release` is set; `stuck` tells it is waiting.
        self.hold: str | None = None
        self.stuck = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.senders_refused:
            self.senders_refused -= 1
            return "451 4.3.0 Sender temporarily refused"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.hold:
            self.stuck.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "451 4.3.0 Try again later"
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        if address in self.busy:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.temporary_failures:
                self.temporary_failures -= 1
                return "421 4.3.2 Service not available, try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A started/stopped aiosmtpd server on a fixed loopback port."""

    def __init__(self, port: int, pipelining: bool = False) -> None:
        self.port = port
        self.sink = Sink(pipelining)
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
