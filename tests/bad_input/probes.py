"""The requests of the test for each route of the URL map: as each role, then with every
malformed value in each spot of the request as the most privileged role."""

from urllib.parse import quote

from tests.bad_input.harvest import Harvest, Route
from tests.bad_input.targets import MOST_PRIVILEGED, Probe, Target, roles_for
from tests.bad_input.values import (
    ATTRIBUTE,
    EVERYWHERE,
    GENERIC_FIELDS,
    INT_SEGMENTS,
    JSON_EXAMPLES,
    JSON_VALUES,
    MALFORMED,
    ODD_COOKIES,
    QUERY_VALUES,
    RAW_JSON,
    SCRIPT,
    STRING_SEGMENTS,
    VALUES_BY_KIND,
    leaves,
    replaced,
)


def plan(route: Route, harvest: Harvest, body_limit: int) -> list[Probe]:
    """The requests for `route`: as each role, once as its page sends it and once with a script
    everywhere; then, as the most privileged role, odd addresses, every malformed value in each
    parameter or field in turn and in all at once, and odd bodies."""
    target = Target.of(route, harvest)
    probes = []
    for role in roles_for(route):
        probes.append(target.probe(role, "as the page sends it"))
        probes.append(target.with_value(role, ATTRIBUTE, "a script payload everywhere"))
    probes += _addresses(target)
    if target.sends_form:
        # A button's form has no field of its own to read the values: a few suffice there.
        values = MALFORMED if target.kinds else EVERYWHERE
        probes += [target.with_value(MOST_PRIVILEGED, value, "everywhere") for value in values]
        probes += [target.with_parameters(value) for value in _addresses_in_query(target)]
        probes += _fields(target)
        probes += _form_bodies(target, body_limit)
    elif target.sends_json:
        probes += _json_bodies(target)
    else:
        pairs = _turns(target.query_names, QUERY_VALUES + _addresses_in_query(target))
        probes += [target.with_parameter(name, value) for name, value in pairs]
        probes += [target.with_value(MOST_PRIVILEGED, value, "everywhere") for value in EVERYWHERE]
    probes += _odd_requests(target)
    return probes


def _turns(names: list, values: list) -> list[tuple]:
    """Each name with values in turn, until every name and every value had a turn."""
    if not names:
        return []
    count = max(len(names), len(values))
    return [(names[index % len(names)], values[index % len(values)]) for index in range(count)]


def _addresses_in_query(target: Target) -> list[str]:
    """Values a parameter naming a page to go to (`next`) may hold: this page, with more."""
    return [
        f"{target.address}\r\nX-Injected: yes",
        f"{target.address}\x00",
        f"{target.address}/{'a' * 5_000}",
        "//evil.example/",
        "https://evil.example/",
    ]


def _addresses(target: Target) -> list[Probe]:
    probes = []
    for name, takes_int in target.route.converters:
        for segment in INT_SEGMENTS if takes_int else STRING_SEGMENTS:
            address = target.route.fill(target.address, name, segment)
            probes.append(target.probe(MOST_PRIVILEGED, f"{name}={segment[:20]}", address=address))
    return probes


def _fields(target: Target) -> list[Probe]:
    """Each field in turn, with the values for its kind, the others as a page fills them; and
    each field the page does not leave blank, blank (then with an unknown value: a blank first
    value must not let the second one through)."""
    names = list(target.kinds)
    sent = dict(target.baselines[0].sent)
    probes = [
        target.with_field(name, "", 0, "not-a-choice") for name in names if sent.get(name) != ""
    ]
    for turn, (name, _) in enumerate(_turns(names, MALFORMED)):
        values = VALUES_BY_KIND.get(target.kinds[name], MALFORMED)
        probes.append(target.with_field(name, values[turn % len(values)], turn))
    return probes


def _form_bodies(target: Target, body_limit: int) -> list[Probe]:
    names = list(target.kinds) or GENERIC_FIELDS
    sent = target.baselines[0].sent
    repeated = sent + tuple((name, SCRIPT) for name in names)
    repeated_nul = sent + tuple((name, "second\x00value") for name in names)
    invalid_utf8 = "&".join(f"{quote(name)}=%FF%FE%00" for name in names).encode()
    many = sent + tuple((names[index % len(names)], "x") for index in range(5_000))
    return [
        target.probe(MOST_PRIVILEGED, "each field twice", form=repeated),
        target.probe(MOST_PRIVILEGED, "5,000 fields", form=many),
        target.probe(MOST_PRIVILEGED, "each field twice, then with NUL", form=repeated_nul),
        target.probe(MOST_PRIVILEGED, "fields as file parts", files=True),
        target.probe(MOST_PRIVILEGED, "no CSRF token", csrf=()),
        target.probe(
            MOST_PRIVILEGED,
            "invalid UTF-8",
            form=None,
            raw=invalid_utf8,
            content_type="application/x-www-form-urlencoded",
        ),
        target.probe(
            MOST_PRIVILEGED,
            "JSON instead of a form",
            form=None,
            csrf=(),
            json=dict.fromkeys(names, SCRIPT),
        ),
        target.probe(
            MOST_PRIVILEGED, "a text body", form=None, raw=b"x" * 1_000, content_type="text/plain"
        ),
        target.with_field(names[0], "A" * (body_limit - 16 * 1024)),
        target.with_field(names[0], "A" * (body_limit + 1)),
    ]


def _json_bodies(target: Target) -> list[Probe]:
    example = JSON_EXAMPLES.get(target.route.endpoint, {})
    probes = [target.probe(MOST_PRIVILEGED, "a JSON body", json=value) for value in JSON_VALUES]
    for path, value in _turns(list(leaves(example)), JSON_VALUES):
        label = "JSON " + ".".join(map(str, path))
        probes.append(target.probe(MOST_PRIVILEGED, label, json=replaced(example, path, value)))
    for raw in RAW_JSON:
        probes.append(
            target.probe(
                MOST_PRIVILEGED,
                f"raw JSON {raw[:12]!r}",
                json=None,
                raw=raw,
                content_type="application/json",
            )
        )
    probes.append(
        target.probe(
            MOST_PRIVILEGED,
            "a form instead of JSON",
            json=None,
            raw=b"country=IN",
            content_type="application/x-www-form-urlencoded",
        )
    )
    return probes


def _odd_requests(target: Target) -> list[Probe]:
    names = target.query_names
    twice = tuple((name, value) for name in names for value in ("1", SCRIPT, "second\x00value"))
    languages = f"{SCRIPT};q=abc, de;q=2, " + "x-" * 2000
    probes = [
        target.probe(MOST_PRIVILEGED, "each parameter twice", query=twice),
        target.probe(
            MOST_PRIVILEGED,
            "an invalid UTF-8 query",
            query="&".join(f"{name}=%FF%FE" for name in names),
        ),
        target.probe(MOST_PRIVILEGED, "odd headers", headers=_odd_headers(languages)),
        target.probe("anonymous", "odd cookies", headers=(("Cookie", ODD_COOKIES),)),
    ]
    if target.route.is_api:
        for header in ["Bearer " + "x" * 5_000, f"Bearer {SCRIPT}", "Basic Zm9vOmJhcg==", "Bearer"]:
            probes.append(
                target.probe("anonymous", "a bad token", headers=(("Authorization", header),))
            )
    return probes


def _odd_headers(languages: str) -> tuple:
    return (
        ("Accept-Language", languages),
        ("If-None-Match", 'W/"' + "x" * 1_000),
        ("If-Modified-Since", "Fri, 31 Dec 99999 23:59:59 GMT"),
        ("Range", "bytes=9-1,junk"),
        ("Accept", f"{SCRIPT}/*;q=x"),
        ("Accept-Encoding", "gzip;q=abc, *;q=-1"),
    )
