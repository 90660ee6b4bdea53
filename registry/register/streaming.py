"""A long list sent as it is read: the JSON text of a document whose last member lists records
that come in chunks, so that a register of any size is never held whole in memory as text."""

from collections.abc import Iterable, Iterator

from flask import current_app

# As Flask writes a JSON answer outside debug mode: no spaces after separators.
COMPACT = {"separators": (",", ":")}


def json_lines(head: dict, name: str, chunks: Iterable[list[dict]]) -> Iterator[str]:
    """`head` with a last member `name` listing the records of `chunks`, as JSON text sent a
    record at a time: the same document as `head | {name: [...]}`, in the same keys' order."""
    dumps = current_app.json.dumps
    yield dumps(head, **COMPACT)[:-1] + f',"{name}":['
    separator = ""
    for chunk in chunks:
        for record in chunk:
            yield separator + dumps(record, **COMPACT)
            separator = ","
    yield "]}\n"
