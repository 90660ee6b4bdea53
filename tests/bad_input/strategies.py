"""Hypothesis strategies for the bad-input test: a random route, role and spot of the request,
with a malformed value there."""

import dataclasses
from urllib.parse import quote

from hypothesis import strategies as st

from tests.bad_input.harvest import Harvest, Route
from tests.bad_input.targets import Probe, Target, roles_for
from tests.bad_input.values import JSON_EXAMPLES, MALFORMED, leaves, replaced

texts = st.one_of(
    st.sampled_from(MALFORMED),
    st.text(max_size=200),
    st.text(alphabet="\x00\r\n\x1b\t\u2028 <>\"'&=+@-%:;/\\{}$", max_size=40),
    st.from_regex(r"-?\d{1,6}-\d{1,2}-\d{1,2}", fullmatch=True),
    st.integers().map(str),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def random_probes(draw, routes: list[Route], harvest: Harvest) -> Probe:
    """A probe of a random route as a random role, with malformed values in one spot."""
    target = Target.of(draw(st.sampled_from(routes)), harvest)
    role = draw(st.sampled_from(roles_for(target.route)))
    values = draw(st.lists(texts, min_size=1, max_size=2))
    spots = ["everywhere"]
    if target.sends_form and target.kinds:
        spots.append("field")
    if target.sends_json:
        spots.append("json")
    if not target.sends_form and not target.sends_json:
        spots.append("parameter")
    if target.route.converters:
        spots.append("address")
    spot = draw(st.sampled_from(spots))
    if spot == "field":
        name = draw(st.sampled_from(sorted(target.kinds)))
        turn = draw(st.integers(min_value=0, max_value=2 * len(target.baselines) - 1))
        probe = target.with_field(name, values[0], turn, *values[1:])
    elif spot == "parameter":
        name = draw(st.sampled_from(target.query_names))
        probe = target.probe(role, f"?{name}=", query=tuple((name, value) for value in values))
    elif spot == "json":
        example = JSON_EXAMPLES.get(target.route.endpoint, {})
        path = draw(st.sampled_from([*leaves(example), ()]))
        probe = target.probe(role, "a JSON value", json=replaced(example, path, draw(json_values)))
    elif spot == "address":
        name, _ = draw(st.sampled_from(target.route.converters))
        address = target.route.fill(target.address, name, quote(values[0], safe="") or "x")
        probe = target.probe(role, f"{name}=", address=address)
    else:
        probe = target.with_value(role, values[0], "one value everywhere")
    return dataclasses.replace(probe, role=role)
