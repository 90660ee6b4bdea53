"""What accepted bad input leaves behind must not break anything either: the lists, feeds and
exports that show it, the pages the writes led to, and the emails the worker writes from it."""

import email
from email import policy
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing.exceptions import RoutingException

from registry.extensions import db
from registry.models import DeliveryState, OutboxMessage
from tests.bad_input.checks import Prober
from tests.bad_input.harvest import Harvest, Route
from tests.bad_input.pages import local_address, read_page
from tests.bad_input.targets import MOST_PRIVILEGED, Probe
from tests.bad_input.values import UNESCAPED

# New records' pages followed from the lists after one route's probes: enough for what a
# route's writes add.
NEW_PAGES = 20


def stored_problems(app: Flask, routes: list[Route], harvest: Harvest, prober: Prober) -> list[str]:
    """The problems of the pages and emails after the probes stored something: the pages
    without an id in their address, those the writes redirected to, and the pages of new
    records they link to."""
    get = _Pages(app, routes)
    problems, new = [], {}
    for address in [route.rule for route in get.routes.values() if not route.converters]:
        problems += prober.send(get.probe(address, "after the writes"))
        if prober.last is not None and prober.last.mimetype == "text/html":
            page = read_page(address, prober.last.get_data(as_text=True))
            new.update(dict.fromkeys(link for link in page.links if link not in harvest.seen))
    redirects = dict.fromkeys(local_address("/", item) for item in prober.redirects)
    for address in [item for item in redirects if item and get.route_of(item)]:
        problems += prober.send(get.probe(address, "redirected to"))
    for address in [link for link in new if get.route_of(link)][:NEW_PAGES]:
        problems += prober.send(get.probe(address, "a new record's page"))
    return problems + _email_problems(app)


class _Pages:
    """The GET routes, to probe an address as the most privileged role."""

    def __init__(self, app: Flask, routes: list[Route]) -> None:
        self.adapter = app.url_map.bind("localhost")
        self.routes = {route.endpoint: route for route in routes if route.method == "GET"}

    def route_of(self, address: str) -> Route | None:
        try:
            endpoint, _ = self.adapter.match(address.partition("?")[0], method="GET")
        except (HTTPException, RoutingException):
            return None
        return self.routes.get(endpoint)

    def probe(self, address: str, label: str) -> Probe:
        return Probe(self.route_of(address), MOST_PRIVILEGED, label, address)


def _email_problems(app: Flask) -> list[str]:
    """Run the worker once: every queued email is written, none with a payload unescaped."""
    folder = Path(app.instance_path) / "mail"
    before = set(folder.glob("*.eml"))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    problems = [] if result.exit_code == 0 else [f"the worker stopped: {result.output[-300:]}"]
    with app.app_context():
        failed = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.state == DeliveryState.FAILED)
        ).all()
        problems += [
            f"the {row.kind} email to {row.recipient} failed: {row.last_error}" for row in failed
        ]
    for path in sorted(set(folder.glob("*.eml")) - before):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        html = message.get_body(("html",))
        body = html.get_content() if html is not None else ""
        problems += [
            f"email {message['Subject']!r}: {payload!r} unescaped"
            for payload in UNESCAPED
            if payload in body
        ]
    return problems
