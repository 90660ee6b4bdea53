"""Sending the probes and judging the answers: never a 5xx or a traceback, never a payload
unescaped, a body that parses as its media type says, and no table changed by a refusal."""

import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode

import icalendar
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from registry.extensions import db
from registry.models import User
from tests.bad_input.targets import BEARER, Probe
from tests.bad_input.values import UNESCAPED
from tests.conftest import PASSWORD

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WRITES = ("INSERT", "UPDATE", "DELETE")
SCRIPT_ADDRESS = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def answer_problems(probe: Probe, response: TestResponse) -> list[str]:
    """What is wrong with the answer to `probe`, whatever the request held."""
    status, body = response.status_code, response.get_data()
    text = body.decode("utf-8", "replace")
    problems = []
    # The readiness probe's 503 is its answer (no worker runs beside the test), not a failure.
    if status >= 500 and not (probe.route.endpoint == "operations.readyz" and status == 503):
        problems.append(f"answered {status}")
    if "Traceback" in text:
        problems.append("the body holds a traceback")
    if response.mimetype in ("text/html", "image/svg+xml"):
        problems += [f"{payload!r} unescaped" for payload in UNESCAPED if payload in text]
        if SCRIPT_ADDRESS.search(text):
            problems.append(f"a javascript: address: {SCRIPT_ADDRESS.search(text).group()!r}")
    if probe.route.is_api and not response.is_json:
        problems.append(f"the API answered {response.mimetype}, not JSON")
    problems += _unreadable(response.mimetype, body, text)
    return problems


def _unreadable(mimetype: str, body: bytes, text: str) -> list[str]:
    try:
        if mimetype.endswith("json"):
            json.loads(body)
        elif mimetype.endswith("xml") and mimetype != "image/svg+xml":
            ElementTree.fromstring(body)
        elif mimetype == "text/calendar":
            icalendar.Calendar.from_ical(body)
        elif mimetype == "text/csv":
            cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
            formulas = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
            if formulas:
                return [f"a CSV cell a spreadsheet would run: {formulas[0][:60]!r}"]
    except (ValueError, ElementTree.ParseError) as error:
        return [f"the {mimetype} body does not parse: {error}"]
    return []


class Prober:
    """Sends probes with a client per role, keeping each role logged in, and reports what is
    wrong with each answer."""

    def __init__(self, app: Flask, emails: dict[str, str], api_token: str, token_pages: list[str]):
        self.app, self.emails, self.api_token = app, emails, api_token
        self.token_pages = token_pages
        self.clients = {role: app.test_client() for role in [*emails, "anonymous", BEARER]}
        self.csrf_tokens: dict[str, str] = {}
        self.raw_tokens: dict[str, str] = {}  # what each session keeps of its CSRF token
        self.session_ids: dict[str, str] = {}  # each logged-in role's user, as its session says
        self.sent: set[tuple[str, str]] = set()
        self.redirects: list[str] = []  # where writes that succeeded sent the browser
        self.last: TestResponse | None = None  # the answer to the last probe
        with app.app_context():
            self.engine = db.engine
        self.writes = 0  # the write statements sent so far, by the probes and the logins
        sa.event.listen(self.engine, "before_cursor_execute", self._count_writes)
        for role in emails:
            self._log_in(role)
        self.digests = table_digests(self.engine)

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count_writes)

    def send(self, probe: Probe) -> list[str]:
        """The problems of the answer to `probe`, each naming the request."""
        writes = self.writes
        self.sent.add(probe.route.key)
        try:
            response = self.clients[probe.role].open(**self._request(probe))
        except Exception as error:  # TESTING: an unhandled error reaches the test
            response, problems = None, [f"raised {type(error).__name__}: {error}"[:300]]
        else:
            problems = answer_problems(probe, response)
            if response.status_code in (302, 303) and self.writes != writes:
                self.redirects.append(response.location)
        self.last = response
        if self.writes != writes:
            changed = self._changed_tables()
            if response is not None and 400 <= response.status_code < 500 and changed:
                problems.append(f"refused with {response.status_code} but changed {changed}")
        if probe.route.method != "GET" or self.writes != writes:
            self._keep_sessions(probe.role, self.writes != writes)
        return [f"{probe.describe()}: {problem}" for problem in problems]

    def snapshot(self) -> dict[sa.Table, list[dict]]:
        """Every row of every table, for `restore`."""
        with self.engine.connect() as connection:
            return {
                table: [dict(row._mapping) for row in connection.execute(sa.select(table))]
                for table in db.metadata.sorted_tables
            }

    def restore(self, snapshot: dict[sa.Table, list[dict]]) -> None:
        """Put every table back as in `snapshot`, and log in again each role whose session
        that ended (its user's session version went back)."""
        with self.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for table in db.metadata.sorted_tables:
                if snapshot[table]:
                    connection.execute(table.insert(), snapshot[table])
        for role in self.emails:
            self._keep_sessions(role, wrote=True)
        self.digests = table_digests(self.engine)
        self.redirects.clear()

    def _request(self, probe: Probe) -> dict:
        query = probe.query if isinstance(probe.query, str) else MultiDict(probe.query) or None
        request = {
            "path": probe.address,
            "method": probe.route.method,
            "query_string": query,
            "headers": dict(probe.headers),
        }
        if probe.role == BEARER:
            request["headers"].setdefault("Authorization", f"Bearer {self.api_token}")
        if probe.form is not None:
            form = MultiDict(probe.form)
            for name in probe.csrf:
                form.add(name, self.csrf_token(probe.role))
            if probe.files:
                form = MultiDict(
                    (name, (io.BytesIO(value.encode()), f"{name}.txt", "text/plain"))
                    for name, value in form.items(multi=True)
                )
            request["data"] = form
        elif probe.raw is not None:
            tokens = urlencode([(name, self.csrf_token(probe.role)) for name in probe.csrf])
            request["data"] = probe.raw + (f"&{tokens}".encode() if tokens else b"")
            request["content_type"] = probe.content_type
        elif probe.route.is_api and probe.route.method != "GET" or probe.json is not None:
            request["json"] = probe.json
        return request

    def csrf_token(self, role: str) -> str:
        """A CSRF token of the role's session, from the first page that gives it one."""
        if role not in self.csrf_tokens:
            client = self.clients[role]
            for address in self.token_pages:
                response = client.get(address)
                found = CSRF_TOKEN.search(response.get_data(as_text=True))
                if response.status_code == 200 and found:
                    self.csrf_tokens[role] = found.group(1)
                    with client.session_transaction() as session:
                        self.raw_tokens[role] = session.get("csrf_token")
                    break
            else:
                self.csrf_tokens[role] = "no-token-found"
        return self.csrf_tokens[role]

    def _changed_tables(self) -> list[str]:
        digests = table_digests(self.engine)
        changed = sorted(name for name, digest in digests.items() if self.digests[name] != digest)
        self.digests = digests
        return changed

    def _keep_sessions(self, role: str, wrote: bool) -> None:
        """Keep each client what its role says: a probe may have logged it in as another user
        (a login form), out (logout), or deactivated its user; and a new session needs a new
        CSRF token."""
        with self.clients[role].session_transaction() as session:
            session_id, raw_token = session.get("_user_id"), session.get("csrf_token")
        if raw_token != self.raw_tokens.get(role):
            self.csrf_tokens.pop(role, None)
        if role not in self.emails:
            if session_id is not None:
                self.clients[role] = self.app.test_client()
                self.csrf_tokens.pop(role, None)
            return
        if session_id == self.session_ids[role] and not wrote:
            return
        with self.app.app_context():
            user = db.session.scalar(sa.select(User).filter_by(email=self.emails[role]))
            if session_id == user.get_id() and user.active:
                return
            user.active = True
            db.session.commit()
        self._log_in(role)
        self.digests = table_digests(self.engine)

    def _log_in(self, role: str) -> None:
        self.csrf_tokens.pop(role, None)
        client = self.clients[role]
        data = {
            "csrf_token": self.csrf_token(role),
            "email": self.emails[role],
            "password": PASSWORD,
        }
        assert client.post("/admin/login", data=data).status_code == 302, role
        self.csrf_tokens.pop(role, None)
        with client.session_transaction() as session:
            self.session_ids[role] = session["_user_id"]

    def _count_writes(self, connection, cursor, statement: str, *args) -> None:
        if statement.lstrip()[:6].upper() in WRITES:
            self.writes += 1


def table_digests(engine: sa.Engine) -> dict[str, str]:
    """A digest of every row of every table of the models, by table."""
    digests = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            digests[table.name] = hashlib.sha256(repr(rows.all()).encode()).hexdigest()
    return digests
