"""HTTP as the load's people do it: plain urllib, a cookie jar each where a form needs one, no
redirect followed (a 302 is an answer to record), and every answer's status kept in one shared
record, a refused or dropped connection as status 0 with its error."""

import html
import http.client
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    server: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    asked_at: float  # time.monotonic() as the request was sent
    error: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Record:
    """Every answer of the load, in the order they were read."""

    answers: list[Answer] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return counts


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer


class Browser:
    """One person's client: with `cookies`, a session of its own (forms, the admin's login)."""

    def __init__(self, record: Record, cookies: bool = False) -> None:
        self.record = record
        handlers: list = [_KeepRedirects()]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._opener = urllib.request.build_opener(*handlers)

    def get(self, server: str, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._ask(urllib.request.Request(server + path, headers=headers or {}), server)

    def post(self, server: str, path: str, form: dict[str, str], json_body: bytes = b"") -> Answer:
        if json_body:
            data, kind = json_body, "application/json"
        else:
            data, kind = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            server + path, data=data, headers={"Content-Type": kind}, method="POST"
        )
        return self._ask(request, server)

    def _ask(self, request: urllib.request.Request, server: str) -> Answer:
        path = request.full_url.removeprefix(server)
        method = request.get_method()
        asked_at = time.monotonic()
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                status, headers = response.status, dict(response.headers)
                answer = Answer(server, method, path, status, headers, response.read(), asked_at)
        except urllib.error.HTTPError as error:
            with error:
                headers = dict(error.headers)
                answer = Answer(server, method, path, error.code, headers, error.read(), asked_at)
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(server, method, path, 0, {}, b"", asked_at, error=repr(error))
        self.record.add(answer)
        return answer


def field_value(page: str, name: str) -> str:
    """The value of the form field named `name` in the page (an input's value attribute)."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    assert match, f"no field {name} in the page"
    return html.unescape(match.group(1))


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no text area {name} in the page"
    return html.unescape(match.group(1)).strip()


def link_to(body: str, path_prefix: str) -> str:
    """The path and query of the first link in an email's text starting with `path_prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]*)", body)
    assert match, f"no link to {path_prefix} in:\n{body}"
    return match.group(1)


def wait_for(condition, seconds: float, what: str):
    """The first truthy value of `condition()`, asked every 50 ms for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {seconds} s")
