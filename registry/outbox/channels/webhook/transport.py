"""One POST to a webhook endpoint: HTTPS only, to a public address, 10 seconds, no redirects.

An endpoint's address is given by a customer, so the registry must not become a way to reach
what only it can reach (server-side request forgery): the host's addresses are looked up at
each delivery, every one must be public (not private, loopback, link-local, reserved …), and
the connection goes to the address that was checked, so a DNS answer that changes in between
cannot send it elsewhere. TLS is verified against the system's trust store with the host's name.
A redirect is an answer like any other non-2xx: the endpoint is asked to give its final address.

WEBHOOK_ALLOW_PRIVATE_NETWORK lifts the address check and lets plain http reach loopback: the
tests' receiver listens on 127.0.0.1. It is never for production.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

from registry import clock
from registry.domain import DomainError

TIMEOUT_SECONDS = 10
LONGEST_URL = 2048
# What is kept of an answer's body for the delivery log.
ANSWER_EXCERPT = 200
# Names that never lead to a public address.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


class AddressRefused(DomainError):
    """The endpoint's address is not one the registry posts to; the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused address, timeout, connection)
    text: str  # "200 OK", or the error
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def checked_url(url: str, allow_private: bool) -> str:
    """`url` if the registry may post to it, as far as can be told without looking the host
    up (that is done at each delivery). Raises AddressRefused."""
    url = url.strip()
    if len(url) > LONGEST_URL:
        raise AddressRefused(_("The address is longer than %(n)s characters.", n=LONGEST_URL))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is no number raises here)
    except ValueError as error:
        raise AddressRefused(_("This is not an address: %(error)s", error=error)) from None
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise AddressRefused(_("Give an address that starts with https://."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("Give the address without a user name or password in it."))
    if parts.fragment:
        raise AddressRefused(_("Give the address without a fragment (#…)."))
    if parts.scheme == "http" and not (allow_private and _loopback_name(host)):
        raise AddressRefused(_("Give an address that starts with https://."))
    if not allow_private and not _may_be_public(host):
        raise AddressRefused(
            _(
                "%(host)s is not a public address; the registry posts only to public ones.",
                host=host,
            )
        )
    return url


def post(url: str, body: bytes, headers: dict[str, str], allow_private: bool) -> Answer:
    """POST `body` as JSON to `url` with `headers`; the answer, or why there is none."""
    started = clock.stopwatch()
    try:
        parts = urlsplit(checked_url(url, allow_private))
        address = _public_address(parts, allow_private)
        connection = _connection(parts, address)
        try:
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            connection.request(
                "POST", target, body, {**headers, "Content-Type": "application/json"}
            )
            response = connection.getresponse()
            excerpt = response.read(ANSWER_EXCERPT).decode("utf-8", "replace").strip()
        finally:
            connection.close()
    except AddressRefused as error:
        return Answer(None, str(error), _ms_since(started))
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Answer(None, _error_text(error), _ms_since(started))
    text = f"{response.status} {response.reason}".strip()
    if response.status in (301, 302, 303, 307, 308):
        text += " " + _("(redirect to %(location)s not followed)", location=_location(response))
    elif not 200 <= response.status < 300 and excerpt:
        text += f": {excerpt}"
    return Answer(response.status, text, _ms_since(started))


def _public_address(parts, allow_private: bool) -> str:
    """The first address of the host, once every address it has is found public."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise AddressRefused(
            _("%(host)s could not be looked up: %(error)s", host=parts.hostname, error=error)
        ) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not allow_private and not all(address.is_global for address in addresses):
        raise AddressRefused(
            _(
                "%(host)s leads to an address that is not public; the registry posts only to "
                "public ones.",
                host=parts.hostname,
            )
        )
    if parts.scheme == "http" and not all(address.is_loopback for address in addresses):
        raise AddressRefused(_("Give an address that starts with https://."))
    return str(addresses[0])


def _connection(parts, address: str) -> http.client.HTTPConnection:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        return _PinnedHTTPS(parts.hostname, address, port)
    return _PinnedHTTP(parts.hostname, address, port)


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to the address that was checked, whatever the host's name resolves to
    now; the Host header still names the host."""

    def __init__(self, host: str, address: str, port: int) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As `_PinnedHTTP`, over TLS verified for the host's name (SNI and certificate)."""

    def __init__(self, host: str, address: str, port: int) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        connected = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(connected, server_hostname=self.host)


def _loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _may_be_public(host: str) -> bool:
    """False for a literal address that is not public, and for a name that never leads to a
    public one (no dot, or a local suffix)."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return host != "localhost" and "." in host and not host.endswith(LOCAL_SUFFIXES)


def _location(response: http.client.HTTPResponse) -> str:
    return (response.getheader("Location") or "?")[:200]


def _error_text(error: Exception) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return _("no answer within %(seconds)s seconds", seconds=TIMEOUT_SECONDS)
    return f"{type(error).__name__}: {error}"[:300]


def _ms_since(started: float) -> int:
    return round((clock.stopwatch() - started) * 1000)
