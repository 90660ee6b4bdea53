"""schemathesis against the registry served on 127.0.0.1: for each operation of
`/api/v1/openapi.json`, examples generated from the document (valid and invalid), each sent as
the public or as the holder of an API token (whose answers carry the verdicts). No answer may be
a 5xx, and each must be one the document describes: its status, its media type and its body's
schema.

The register holds the demo data, so the answers carry subprocessors, chains and notices. In CI
(`CI=true`) the examples are the same on every run.
"""

import os
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from registry import accounts, create_app
from registry.demo import load_demo
from registry.extensions import db
from registry.models import Role
from tests import conftest

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def served(migrated_database, tmp_path_factory):
    """The demo register served on loopback, and a personal API token of its admin. Rate
    limits are off, so that a 429 hides nothing."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        app = create_app(conftest.test_config(migrated_database) | {"RATELIMIT_ENABLED": False})
    with app.app_context():
        load_demo()
        user = accounts.create_user("api@example.com", conftest.PASSWORD, Role.VIEWER, actor="test")
        token = accounts.issue_api_token(user, actor="test")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", token
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            conftest._clear(db.engine)
            db.engine.dispose()


def _examples(operation, mode: GenerationMode, send) -> None:
    """Send each example of `operation` in `mode` (schemathesis' strategy, run by hypothesis)."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        # In CI the same examples every run: a submission is not held up by a chance find.
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), with_token=st.booleans())
    def examples(case, with_token):
        send(case, with_token)

    examples()


def test_every_operation_answers_as_the_document_says(served):
    base_url, token = served
    # Loaded from the running registry, as any client would (schemathesis' pytest plugin reads
    # a fixture through a pytest internal that pytest 9 no longer has).
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    token_header = {"Authorization": f"Bearer {token}"}

    def send(case, with_token: bool):
        headers = token_header if with_token else None
        case.call_and_validate(base_url=base_url, checks=CHECKS, headers=headers)

    operations = [result.ok() for result in schema.get_all_operations()]
    # Every operation but the document's own, which schemathesis leaves out.
    assert len(operations) == len(schema.raw_schema["paths"]) - 1
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _examples(operation, mode, send)
