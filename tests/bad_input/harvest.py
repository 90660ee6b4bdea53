"""The routes of the URL map, and what the registry's own pages say about them: the addresses
they link to, the forms they hold and the query parameters they use."""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, MapAdapter
from werkzeug.routing.exceptions import RoutingException

from tests.bad_input.pages import Form, read_page

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# A converter's segment in a rule: <name>, <int:name>, <int(max=9):name>.
SEGMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
# Pages crawled per rule: enough to meet each kind of form, few enough to stay fast.
PAGES_PER_RULE = 4


@dataclass(frozen=True)
class Route:
    """A rule of the URL map with one of its methods: the unit every request is made for."""

    rule: str
    method: str
    endpoint: str
    converters: tuple[tuple[str, bool], ...]  # (name, whether it takes an integer)

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.method)

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    def fill(self, address: str, name: str, segment: str) -> str:
        """`address` (an address of this rule) with the segment of converter `name` replaced."""
        parts = address.split("/")
        for index, template in enumerate(self.rule.split("/")):
            match = SEGMENT.search(template)
            if match and match.group(1) == name:
                parts[index] = template[: match.start()] + segment + template[match.end() :]
        return "/".join(parts)


def routes(app: Flask) -> list[Route]:
    """Every route of the URL map but the static files, in a stable order."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint == "static":
            continue
        converters = tuple(
            (name, isinstance(converter, IntegerConverter))
            for name, converter in rule._converters.items()
        )
        for method in sorted(rule.methods - SKIPPED_METHODS):
            found.append(Route(rule.rule, method, rule.endpoint, converters))
    return found


@dataclass
class Harvest:
    """What the pages showed: addresses by rule, forms by route, query parameters by rule, the
    values seen for each converter, and the pages that carried a CSRF token."""

    addresses: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[tuple[str, str], list[Form]] = field(default_factory=dict)
    queries: dict[str, dict[str, str]] = field(default_factory=dict)  # rule: name: a value
    values: dict[str, list[str]] = field(default_factory=dict)
    token_pages: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # every address a page linked to
    credentials: dict[str, str] = field(default_factory=dict)  # for a login form's fields

    def address(self, route: Route) -> str:
        """A real address of the route: one a page linked to, else its rule filled with values
        seen elsewhere for the same converter names (an unknown id where none was seen)."""
        seen = self.addresses.get(route.rule)
        if seen:
            return seen[0].partition("?")[0]
        address = route.rule
        for name, is_int in route.converters:
            value = (self.values.get(name) or ["1" if is_int else "x"])[-1]
            address = route.fill(address, name, value)
        return address


def crawl(app: Flask, clients: list[FlaskClient], start: list[str]) -> Harvest:
    """Follow the links from `start` with each client in turn, reading every page's forms."""
    harvest = Harvest()
    adapter = app.url_map.bind("localhost")
    first = [rule.rule for rule in app.url_map.iter_rules() if not rule.arguments]
    for client in clients:
        _crawl(client, adapter, harvest, deque([*start, *sorted(first)]))
    return harvest


def _crawl(client: FlaskClient, adapter: MapAdapter, harvest: Harvest, queue: deque) -> None:
    crawled: dict[str, int] = {}
    paths: set[str] = set()  # a page in another language or order has the same forms
    while queue:
        address = queue.popleft()
        rule = _note(adapter, harvest, address, "GET")
        path = address.partition("?")[0]
        if path in paths or rule is None or rule.endpoint in ("static", "admin.logout"):
            continue
        paths.add(path)
        if crawled.get(rule.rule, 0) >= PAGES_PER_RULE:
            continue
        crawled[rule.rule] = crawled.get(rule.rule, 0) + 1
        response = client.get(address)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = read_page(address, response.text)
        queue.extend(page.links)
        harvest.seen.update(page.links)
        for form in page.forms:
            target = _note(adapter, harvest, form.action, form.method)
            if target is not None:
                harvest.forms.setdefault((target.rule, form.method), []).append(form)
            if "csrf_token" in form.kinds and address not in harvest.token_pages:
                harvest.token_pages.append(address)


def _note(adapter: MapAdapter, harvest: Harvest, address: str, method: str):
    """The rule `address` leads to, with its address, query names and values noted."""
    parts = urlsplit(address)
    try:
        rule, values = adapter.match(unquote(parts.path), method=method, return_rule=True)
    except (HTTPException, RoutingException):
        return None
    known = harvest.addresses.setdefault(rule.rule, [])
    if address not in known:
        known.append(address)
    query = harvest.queries.setdefault(rule.rule, {})
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, value)
    for name, value in values.items():
        seen = harvest.values.setdefault(name, [])
        if quote(str(value), safe="") not in seen:
            seen.append(quote(str(value), safe=""))
    return rule
