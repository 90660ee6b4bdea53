"""The public register loads each relation once for all rows: no query per subprocessor."""

import pytest


def _register_of(size, make_subprocessor):
    for _ in range(size):
        make_subprocessor(locations=[("DE", "storage"), ("US", "support_access"), ("IN", "backup")])


@pytest.mark.parametrize(
    "address", ["/subprocessors", "/subprocessors.csv", "/api/v1/subprocessors"]
)
def test_the_number_of_statements_does_not_grow_with_the_number_of_subprocessors(
    client, make_subprocessor, count_statements, address
):
    _register_of(2, make_subprocessor)
    with count_statements() as small:
        assert client.get(address).status_code == 200
    _register_of(30, make_subprocessor)
    with count_statements() as large:
        assert client.get(address).status_code == 200
    assert large.count == small.count
