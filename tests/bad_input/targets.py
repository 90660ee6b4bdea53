"""A route as its pages show it, and the requests of the test made from it.

A route is a rule and one of its methods. Its real addresses, form fields and query parameters
come from what the registry's own pages link to and hold (`harvest.Harvest`), so a new route or
a new field is probed without editing this module.
"""

from dataclasses import dataclass, field

from tests.bad_input.harvest import Harvest, Route
from tests.bad_input.pages import Form
from tests.bad_input.values import (
    FILLERS,
    GENERIC_FIELDS,
    GENERIC_KEYS,
    GENERIC_QUERY,
    JSON_EXAMPLES,
    TEXTUAL,
)

ROLES = ("anonymous", "viewer", "editor", "admin")
MOST_PRIVILEGED = "admin"
BEARER = "bearer"  # the API with a viewer's personal token
FORMS_PER_ROUTE = 4  # the forms of a route taken as baselines, each with its own address
LOGIN_KINDS = {"email", "text", "password", "hidden"}


@dataclass(frozen=True)
class Probe:
    """One request of the test."""

    route: Route
    role: str
    label: str
    address: str
    query: tuple | str = ()  # pairs, or a query string already encoded
    form: tuple | None = None
    csrf: tuple[str, ...] = ()  # the fields that get the session's CSRF token when it is sent
    files: bool = False  # every field of the form sent as a file part
    json: object = None
    raw: bytes | None = None
    content_type: str | None = None
    headers: tuple = ()

    def describe(self) -> str:
        return (
            f"{self.route.method} {self.route.rule} as {self.role} ({self.label}: {self.address})"
        )


def roles_for(route: Route) -> tuple[str, ...]:
    return ROLES + ((BEARER,) if route.is_api else ())


@dataclass(frozen=True)
class Baseline:
    """A form as a browser sends it once the required fields are filled in (`sent`), and the
    same with every text filled in (`full`): some forms need one, others refuse one."""

    address: str
    sent: tuple = ()
    full: tuple = ()


@dataclass
class Target:
    """A route as its pages show it: real addresses with their forms, the forms' fields and
    their kinds, and the query parameters."""

    route: Route
    baselines: list[Baseline]
    kinds: dict[str, str] = field(default_factory=dict)
    query_names: list[str] = field(default_factory=list)
    query_values: dict[str, str] = field(default_factory=dict)  # those the pages' links give
    csrf_names: tuple[str, ...] = ("csrf_token",)

    @classmethod
    def of(cls, route: Route, harvest: Harvest) -> "Target":
        forms = list({form.action: form for form in harvest.forms.get(route.key, [])}.values())
        kinds = {name: kind for form in forms for name, kind in form.kinds.items()}
        csrf_names = tuple(name for name in kinds if name.endswith("csrf_token")) or ("csrf_token",)
        kinds = {name: kind for name, kind in kinds.items() if name not in csrf_names}
        baselines = [_baseline(form, kinds, harvest) for form in forms[:FORMS_PER_ROUTE]]
        values = harvest.queries.get(route.rule, {})
        # A page's own filter form (method="get") names its query parameters too.
        names = sorted({*values, *GENERIC_QUERY, *(kinds if route.method == "GET" else ())})
        baselines = baselines or [Baseline(harvest.address(route))]
        return cls(route, baselines, kinds, names, values, csrf_names)

    @property
    def address(self) -> str:
        return self.baselines[0].address

    @property
    def sends_form(self) -> bool:
        return self.route.method != "GET" and not self.route.is_api

    @property
    def sends_json(self) -> bool:
        return self.route.method != "GET" and self.route.is_api

    def probe(self, role: str, label: str, **request) -> Probe:
        """The request as the first page sends it, changed by `request`."""
        request.setdefault("address", self.address)
        if self.sends_form:
            request.setdefault("form", self.baselines[0].sent)
            request.setdefault("csrf", self.csrf_names)
        if self.sends_json:
            request.setdefault("json", JSON_EXAMPLES.get(self.route.endpoint, {}))
        return Probe(self.route, role, label, **request)

    def with_value(self, role: str, value: str, label: str) -> Probe:
        """Every field of the form, or every key of a JSON object, or (for a page) every query
        parameter, holding `value`."""
        if self.sends_form:
            form = tuple((name, value) for name in list(self.kinds) or GENERIC_FIELDS)
            return self.probe(role, label, form=form)
        if self.sends_json:
            return self.probe(role, label, json=dict.fromkeys(GENERIC_KEYS, value))
        return self.probe(role, label, query=tuple((name, value) for name in self.query_names))

    def with_field(self, name: str, value: str, turn: int = 0, *more: str) -> Probe:
        """A form as its page sends it, with field `name` holding `value` (and `more` values);
        `turn` picks the form, and whether its texts are filled in."""
        baseline = self.baselines[turn // 2 % len(self.baselines)]
        sent = baseline.full if turn % 2 else baseline.sent
        given = tuple((name, item) for item in (value, *more))
        form = tuple((key, item) for key, item in sent if key != name) + given
        return self.probe(MOST_PRIVILEGED, f"{name}=", address=baseline.address, form=form)

    def with_parameter(self, name: str, value: str) -> Probe:
        return self.probe(MOST_PRIVILEGED, f"?{name}=", query=((name, value),))

    def with_parameters(self, value: str) -> Probe:
        """Every query parameter holding `value`, but those the links give a value keep it."""
        query = tuple((name, self.query_values.get(name, value)) for name in self.query_names)
        return self.probe(MOST_PRIVILEGED, "in the query", query=query)


def _baseline(form: Form, kinds: dict[str, str], harvest: Harvest) -> Baseline:
    given = dict(form.defaults)
    sent = [(name, value) for name, value in form.defaults if value or name not in form.required]
    # A login form gets the test's credentials, so that what follows a login is probed too.
    known = harvest.credentials if set(form.kinds.values()) <= LOGIN_KINDS else {}
    for name in sorted(form.required):
        if not given.get(name):
            choices = [value for value in form.options.get(name, []) if value]
            filler = known.get(name) or FILLERS.get(kinds[name], "Example")
            sent.append((name, choices[0] if choices else filler))
    sent = [(name, value) for name, value in sent if name in kinds]
    full = [
        (name, value or FILLERS.get(kinds[name], "Example"))
        if kinds[name] in TEXTUAL
        else (name, value)
        for name, value in sent
    ]
    return Baseline(form.action.partition("?")[0], tuple(sent), tuple(full))
