"""Bad input on every route of the URL map, generated at test time: every rule and method, as the
public, each role and (for the API) a personal token, with malformed values in the address, the
query string, the form or the JSON body: oversized, control characters, NUL, wrong types,
unknown and huge ids, repeated parameters, file parts, bad dates, script and formula payloads.

Every answer must be below 500, hold no traceback, show no payload unescaped and parse as its
media type says; a refusal (4xx) must leave every table as it was. The real addresses, the
forms' fields and the query parameters come from the registry's own pages, so a new route or a
new field is covered without editing this file.
"""

import dataclasses
import html
import os
import re

import pytest
from flask import Flask, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import create_app
from registry.extensions import db
from tests import conftest
from tests.bad_input.checks import Prober, answer_problems
from tests.bad_input.harvest import SKIPPED_METHODS, Harvest, Route, crawl, routes
from tests.bad_input.probes import plan
from tests.bad_input.stored import stored_problems
from tests.bad_input.strategies import random_probes
from tests.bad_input.targets import MOST_PRIVILEGED, Probe, Target, roles_for
from tests.bad_input.values import SCRIPT
from tests.bad_input.world import EMAILS, populate
from tests.conftest import PASSWORD
from tests.contract import ContractClient
from tests.mailbox import delivered, text_of
from tests.web import log_in

LINK = re.compile(r"https?://[^/\s]+(/[^\s<>\"]*)")


@dataclasses.dataclass
class World:
    app: Flask
    routes: list[Route]
    harvest: Harvest
    prober: Prober

    @property
    def body_limit(self) -> int:
        return self.app.config["MAX_CONTENT_LENGTH"]


@pytest.fixture(scope="module")
def world(migrated_database, tmp_path_factory):
    """The register of `world.populate`, its pages and emails crawled once for addresses and
    forms. Rate limits are off, so that a 429 hides nothing."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        # Webhooks may reach the world's endpoint, a closed port on this machine.
        config = conftest.test_config(migrated_database) | {
            "RATELIMIT_ENABLED": False,
            "WEBHOOK_ALLOW_PRIVATE_NETWORK": True,
        }
        app = create_app(config)
    app.test_client_class = ContractClient  # a refusal must be the documented error answer
    prober = None
    try:
        api_token = populate(app)
        links = [link for message in delivered(app) for link in LINK.findall(text_of(message))]
        crawlers = [app.test_client(), app.test_client()]
        assert log_in(crawlers[0], EMAILS[MOST_PRIVILEGED]).status_code == 302
        harvest = crawl(app, crawlers, links)
        harvest.credentials = {"email": EMAILS[MOST_PRIVILEGED], "password": PASSWORD}
        prober = Prober(app, EMAILS, api_token, harvest.token_pages)
        yield World(app, routes(app), harvest, prober)
    finally:
        if prober is not None:
            prober.close()
        with app.app_context():
            conftest._clear(db.engine)
            db.engine.dispose()


def _report(problems: list[str]) -> str:
    shown = "\n".join(sorted(set(problems))[:60])
    return f"{len(problems)} problems:\n{shown}"


@pytest.mark.parametrize(
    ("status", "mimetype", "body", "problem"),
    [
        (500, "text/html", "<p>Sorry</p>", "answered 500"),
        (400, "text/plain", "Traceback (most recent call last):", "traceback"),
        (400, "text/html", f"<p>{SCRIPT}</p>", "unescaped"),
        (200, "text/html", '<a href="javascript:alert(1)">', "javascript:"),
        (200, "application/json", '{"broken": ', "does not parse"),
        (200, "application/atom+xml", "<feed>\x1b</feed>", "does not parse"),
        (200, "text/csv", 'name\r\n=HYPERLINK("http://x")\r\n', "spreadsheet would run"),
        (200, "text/calendar", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "does not parse"),
    ],
)
def test_the_checks_catch_what_the_test_looks_for(status, mimetype, body, problem):
    route = Route("/x", "GET", "x", ())
    response = Response(body, status=status, mimetype=mimetype)
    assert problem in " ".join(answer_problems(Probe(route, "admin", "a check", "/x"), response))


def test_the_checks_pass_an_escaped_payload_and_a_neutralised_formula():
    route = Route("/x", "GET", "x", ())
    pages = [
        Response(f"<p>{html.escape(SCRIPT)}</p>", mimetype="text/html"),
        Response('name\r\n\'=HYPERLINK("http://x")\r\n', mimetype="text/csv"),
    ]
    assert [answer_problems(Probe(route, "admin", "a check", "/x"), page) for page in pages] == [
        [],
        [],
    ]


def test_every_rule_and_method_of_the_url_map_gets_requests_from_every_role(world):
    in_the_map = {
        (rule.rule, method)
        for rule in world.app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - SKIPPED_METHODS
    }
    planned = {
        (probe.route.key, probe.role)
        for route in world.routes
        for probe in plan(route, world.harvest, world.body_limit)
    }
    wanted = {(route.key, role) for route in world.routes for role in roles_for(route)}
    assert in_the_map - {key for key, _ in planned} == set()
    assert wanted - planned == set()


def test_every_field_of_every_form_the_pages_hold_is_probed(world):
    for (rule, method), forms in world.harvest.forms.items():
        target = Target.of(next(r for r in world.routes if r.key == (rule, method)), world.harvest)
        fields = {name for form in forms for name in form.kinds} - set(target.csrf_names)
        probed = set(target.query_names if method == "GET" else target.kinds)
        assert fields - probed == set(), (method, rule)
    assert len(world.harvest.forms) >= 20  # the crawl met the admin area's forms


def test_every_route_refuses_bad_input_cleanly(world):
    problems = []
    snapshot = world.prober.snapshot()
    for route in world.routes:
        wrote = world.prober.writes
        for probe in plan(route, world.harvest, world.body_limit):
            problems += world.prober.send(probe)
        if world.prober.writes != wrote:
            # What the probes stored must show escaped and well formed, then the next route
            # starts from the same register.
            problems += stored_problems(world.app, world.routes, world.harvest, world.prober)
            world.prober.restore(snapshot)
    assert {route.key for route in world.routes} <= world.prober.sent
    assert not problems, _report(problems)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    # In CI the same examples every run: a submission is not held up by a chance find.
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_malformed_values_on_random_routes_are_refused_cleanly(world, data):
    probe = data.draw(random_probes(world.routes, world.harvest))
    problems = world.prober.send(probe)
    assert not problems, _report(problems)
