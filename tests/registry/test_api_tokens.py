"""Personal API tokens: `flask users token EMAIL` prints a new one once and keeps only its
SHA-256 hash; `--revoke` revokes the user's tokens; both go on the audit trail. The API reads
`Authorization: Bearer <token>`: a token in force gets the verdicts, any other a 401."""

import hashlib

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ApiToken, AuditEvent, User
from registry.models.accounts import Role

INDIA_SCC = {
    "country_code": "IN",
    "role": "follow_the_sun",
    "transfer_tool": "scc",
    "scc_module": 3,
}


@pytest.fixture
def viewer(make_user):
    make_user(email="viewer@example.com", role=Role.VIEWER)
    return "viewer@example.com"


@pytest.fixture
def token(runner, viewer) -> str:
    return runner.invoke(args=["users", "token", viewer]).stdout.strip()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _transfers(client, headers):
    return client.get("/api/v1/transfers", headers=headers)


def test_the_command_prints_a_long_random_token(token):
    assert len(token) >= 43 and token.replace("-", "").replace("_", "").isalnum()


def test_a_second_token_differs_from_the_first(runner, viewer, token):
    assert runner.invoke(args=["users", "token", viewer]).stdout.strip() != token


def test_only_the_sha256_hash_of_the_token_is_stored(app, token):
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_issuing_a_token_is_on_the_audit_trail_without_the_token(app, viewer, token):
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.after, token in str(event.after)) == (
        "api_token.issued",
        {"user": viewer},
        False,
    )


def test_a_token_for_an_unknown_user_is_refused(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.com"])
    assert (result.exit_code, "There is no user nobody@example.com." in result.output) == (1, True)


def test_a_bearer_token_gets_the_verdicts(client, make_subprocessor, token):
    make_subprocessor(locations=[INDIA_SCC])
    [entry] = _transfers(client, _bearer(token)).json["transfers"]
    assert entry["transfer"]["verdict"] == "needs_attention"


def test_a_bad_token_is_a_401(client):
    assert _transfers(client, _bearer("not-a-token")).status_code == 401


def test_a_bad_token_is_answered_in_json_saying_what_is_wrong(client):
    message = _transfers(client, _bearer("not-a-token")).json["error"]["message"]
    assert message.startswith("The API token is not valid")


def test_a_bad_token_is_answered_with_the_bearer_challenge(client):
    response = _transfers(client, _bearer("not-a-token"))
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_another_authorization_scheme_is_a_401(client, token):
    assert _transfers(client, {"Authorization": f"Basic {token}"}).status_code == 401


def test_a_revoked_token_is_a_401(runner, client, viewer, token):
    runner.invoke(args=["users", "token", viewer, "--revoke"])
    assert _transfers(client, _bearer(token)).status_code == 401


def test_revoking_says_how_many_tokens_were_revoked(runner, viewer, token):
    result = runner.invoke(args=["users", "token", viewer, "--revoke"])
    assert result.output == "Revoked 1 API token(s) of viewer@example.com.\n"


def test_revoking_is_on_the_audit_trail(app, runner, viewer, token):
    runner.invoke(args=["users", "token", viewer, "--revoke"])
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "api_token.revoked"


def test_the_token_of_a_deactivated_user_is_a_401(app, client, viewer, token):
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == viewer)).active = False
        db.session.commit()
    assert _transfers(client, _bearer(token)).status_code == 401


def test_a_page_ignores_the_authorization_header(client):
    assert client.get("/transfers", headers=_bearer("not-a-token")).status_code == 200
