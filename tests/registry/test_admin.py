"""The admin area through the HTTP client: login, roles on every route, CSRF, users, the trail."""

import csv
import io

import pytest
import sqlalchemy as sa

from registry import accounts
from registry.config import defaults
from registry.extensions import db
from registry.models import AuditEvent, User
from registry.models.accounts import Role
from tests.web import PASSWORD, client_from, csrf_token, log_in

# (method, address, {role: status}); anonymous is always sent to the login page.
ROUTES = [
    ("GET", "/admin/", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/audit", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/audit.csv", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/users", {"viewer": 403, "editor": 403, "admin": 200}),
    ("POST", "/admin/users", {"viewer": 403, "editor": 403, "admin": 400}),
    ("POST", "/admin/users/1/deactivate", {"viewer": 403, "editor": 403, "admin": 302}),
    ("POST", "/admin/logout", {"viewer": 302, "editor": 302, "admin": 302}),
    ("GET", "/admin/changes", {"viewer": 200, "editor": 200, "admin": 200}),
    (
        "POST",
        "/admin/subprocessors/1/announce/addition",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
    ("POST", "/admin/changes/1/withdraw", {"viewer": 403, "editor": 403, "admin": 404}),
    ("GET", "/admin/subprocessors/new", {"viewer": 403, "editor": 200, "admin": 200}),
    ("POST", "/admin/subprocessors", {"viewer": 403, "editor": 400, "admin": 400}),
    ("GET", "/admin/subprocessors/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("POST", "/admin/subprocessors/1/locations", {"viewer": 403, "editor": 404, "admin": 404}),
    (
        "POST",
        "/admin/subprocessors/1/announce-location",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
    ("POST", "/admin/subprocessors/1/edit", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/subprocessors/1/importer", {"viewer": 403, "editor": 404, "admin": 404}),
    (
        "POST",
        "/admin/subprocessors/1/locations/1/facts",
        {"viewer": 403, "editor": 404, "admin": 404},
    ),
    (
        "POST",
        "/admin/subprocessors/1/locations/1/remove",
        {"viewer": 403, "editor": 404, "admin": 404},
    ),
    (
        "POST",
        "/admin/subprocessors/1/announce-purpose",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
    ("POST", "/admin/subprocessors/1/editorial", {"viewer": 403, "editor": 403, "admin": 404}),
    ("POST", "/admin/subprocessors/1/chain", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/subprocessors/1/flow-down", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/subprocessors/1/chain-source", {"viewer": 403, "editor": 404, "admin": 404}),
    (
        "POST",
        "/admin/subprocessors/1/chain-source/check",
        {"viewer": 403, "editor": 404, "admin": 404},
    ),
    ("GET", "/admin/chain-reviews", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/chain-reviews/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("POST", "/admin/chain-reviews/1/added/0", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/chain-reviews/1/close", {"viewer": 403, "editor": 404, "admin": 404}),
    ("GET", "/admin/changes/1/deliveries", {"viewer": 404, "editor": 404, "admin": 404}),
    ("GET", "/admin/changes/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("POST", "/admin/changes/1/move-later", {"viewer": 403, "editor": 403, "admin": 404}),
    (
        "POST",
        "/admin/changes/1/customers/1/approve",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
    ("POST", "/admin/changes/1/resend-failed", {"viewer": 403, "editor": 403, "admin": 404}),
    ("GET", "/admin/objections", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/objections/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("POST", "/admin/objections/1/triage", {"viewer": 403, "editor": 403, "admin": 404}),
    ("GET", "/admin/assessments", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/transfers", {"viewer": 200, "editor": 200, "admin": 200}),
    ("POST", "/admin/evidence.zip", {"viewer": 200, "editor": 200, "admin": 200}),
    ("POST", "/admin/transfers/1/assessments", {"viewer": 403, "editor": 404, "admin": 404}),
    ("GET", "/admin/assessments/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("GET", "/admin/assessments/1.json", {"viewer": 404, "editor": 404, "admin": 404}),
    ("GET", "/admin/assessments/1/edit", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/assessments/1/edit", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/assessments/1/submit", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/assessments/1/send-back", {"viewer": 403, "editor": 403, "admin": 404}),
    ("POST", "/admin/assessments/1/approve", {"viewer": 403, "editor": 403, "admin": 404}),
    ("POST", "/admin/assessments/1/revise", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/assessments/1/discard", {"viewer": 403, "editor": 404, "admin": 404}),
    ("GET", "/admin/customers", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/customers.csv", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/customers.xlsx", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/customers/template.csv", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/customers/template.xlsx", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/customers/new", {"viewer": 403, "editor": 200, "admin": 200}),
    ("POST", "/admin/customers", {"viewer": 403, "editor": 400, "admin": 400}),
    ("GET", "/admin/customers/1", {"viewer": 404, "editor": 404, "admin": 404}),
    ("POST", "/admin/customers/1/edit", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/customers/1/contacts", {"viewer": 403, "editor": 404, "admin": 404}),
    (
        "POST",
        "/admin/customers/1/contacts/1/erase",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
    ("POST", "/admin/customers/1/feed-token", {"viewer": 403, "editor": 404, "admin": 404}),
    ("POST", "/admin/customers/1/webhooks", {"viewer": 403, "editor": 404, "admin": 404}),
    *(
        (
            "POST",
            f"/admin/customers/1/webhooks/1/{action}",
            {"viewer": 403, "editor": 404, "admin": 404},
        )
        for action in ("rotate", "disable", "enable", "test", "delete")
    ),
    ("GET", "/admin/customers/import", {"viewer": 403, "editor": 200, "admin": 200}),
    ("POST", "/admin/customers/import", {"viewer": 403, "editor": 400, "admin": 400}),
    ("GET", "/admin/customers/import/1", {"viewer": 403, "editor": 404, "admin": 404}),
    (
        "POST",
        "/admin/customers/import/1/confirm",
        {"viewer": 403, "editor": 404, "admin": 404},
    ),
    ("GET", "/admin/register/export", {"viewer": 200, "editor": 200, "admin": 200}),
    ("GET", "/admin/register/import", {"viewer": 403, "editor": 403, "admin": 200}),
    ("POST", "/admin/register/import", {"viewer": 403, "editor": 403, "admin": 400}),
    ("GET", "/admin/register/import/1", {"viewer": 403, "editor": 403, "admin": 404}),
    (
        "POST",
        "/admin/register/import/1/confirm",
        {"viewer": 403, "editor": 403, "admin": 404},
    ),
]


@pytest.mark.parametrize(("method", "address", "expected"), ROUTES)
def test_no_admin_route_answers_anonymously(client, method, address, expected):
    data = {"csrf_token": csrf_token(client)} if method == "POST" else None
    response = client.open(address, method=method, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "address", "expected"), ROUTES)
def test_each_role_gets_what_it_may_on_every_admin_route(
    logged_in, role, method, address, expected
):
    client = logged_in(role)
    data = {"csrf_token": csrf_token(client, "/admin/")} if method == "POST" else None
    assert client.open(address, method=method, data=data).status_code == expected[role.value]


def test_every_admin_route_is_in_the_matrix(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    listed = {
        address.replace("/users/1/", "/users/<id:user_id>/")
        .replace(
            "/subprocessors/1/announce/addition",
            "/subprocessors/<id:subprocessor_id>/announce/<kind>",
        )
        .replace("/changes/1/", "/changes/<id:notice_id>/")
        .replace("/admin/changes/1", "/admin/changes/<id:notice_id>")
        .replace("/customers/1/", "/customers/<id:customer_id>/")
        .replace("/locations/1/", "/locations/<id:location_id>/")
        .replace("/subprocessors/1", "/subprocessors/<id:subprocessor_id>")
        .replace("/objections/1", "/objections/<id:objection_id>")
        .replace("/transfers/1/", "/transfers/<id:location_id>/")
        .replace("/assessments/1", "/assessments/<id:assessment_id>")
        .replace("/customers/import/1", "/customers/import/<id:import_id>")
        .replace("/register/import/1", "/register/import/<id:import_id>")
        .replace("/contacts/1/", "/contacts/<id:contact_id>/")
        .replace("/webhooks/1/", "/webhooks/<id:endpoint_id>/")
        .replace("/added/0", "/added/<int:index>")
        .replace("/chain-reviews/1", "/chain-reviews/<id:review_id>")
        .replace("/customers/1", "/customers/<id:customer_id>")
        for _, address, _ in ROUTES
    } | {"/admin/login"}
    assert routes == listed


@pytest.mark.parametrize("address", ["/admin/users", "/admin/users/1/deactivate", "/admin/login"])
def test_a_post_without_a_csrf_token_is_refused(app, logged_in, address):
    client = logged_in(Role.ADMIN)
    with app.app_context():
        events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = client.post(address, data={"email": "new@example.com", "role": "viewer"})
    assert response.status_code == 400
    with app.app_context():
        events_after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert events_after == events_before


def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(client, make_user):
    make_user()
    response = log_in(client, "dpo@example.com", "wrong password!")
    assert response.status_code == 400
    assert "The email address or the password is wrong." in response.text
    assert client.get("/admin/").status_code == 302


def test_a_client_that_keeps_failing_to_log_in_is_slowed_down(client, make_user):
    make_user()
    statuses = [log_in(client, "dpo@example.com", "wrong password!").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]


@pytest.fixture
def limiter_clock(monkeypatch):
    """The rate limiter's clock (its in-memory storage reads `time.time()`), moved by the test."""
    import time

    import flask_limiter._extension
    import limits.storage.memory
    import limits.strategies

    from registry import clock

    class Clock:
        offset = 0.0

        def time(self):
            return time.time() + self.offset

        def move(self, seconds):
            self.offset += seconds

        def __getattr__(self, name):
            return getattr(time, name)

    moved = Clock()
    for module in (limits.storage.memory, limits.strategies, flask_limiter._extension, clock):
        monkeypatch.setattr(module, "time", moved)
    return moved


def test_the_delay_after_failed_logins_grows(client, make_user, limiter_clock):
    make_user()
    waits = []
    for _ in range(4):  # five failures, then wait out the refusal, four times over
        for _ in range(5):
            log_in(client, "dpo@example.com", "wrong password!")
        refused = log_in(client, "dpo@example.com", "wrong password!")
        waits.append(int(refused.headers["Retry-After"]))
        limiter_clock.move(waits[-1] + 1)
    assert waits[0] <= 60 < waits[-1]


def test_the_right_password_works_once_the_delay_is_over(client, make_user, limiter_clock):
    make_user()
    for _ in range(6):
        log_in(client, "dpo@example.com", "wrong password!")
    limiter_clock.move(61)
    assert log_in(client, "dpo@example.com").status_code == 302


def test_guessing_from_elsewhere_does_not_lock_the_owner_out_of_their_browser(app, make_user):
    make_user()
    owner = client_from(app, "198.51.100.7")
    log_in(owner, "dpo@example.com")
    owner.post("/admin/logout", data={"csrf_token": csrf_token(owner, "/admin/")})
    for number in range(12):  # from many addresses: the account's own count is spent
        guesser = client_from(app, f"203.0.113.{number}")
        log_in(guesser, "dpo@example.com", "wrong password!")
    assert log_in(owner, "dpo@example.com").status_code == 302
    assert owner.get("/admin/").status_code == 200


def test_guessing_from_many_addresses_is_slowed_down_per_account(app, make_user):
    make_user()
    statuses = []
    for number in range(11):
        guesser = client_from(app, f"203.0.113.{number}")
        statuses.append(log_in(guesser, "dpo@example.com", "wrong password!").status_code)
    assert statuses == [400] * 10 + [429]


def test_a_successful_login_does_not_count_against_the_limit(client, make_user):
    make_user()
    for _ in range(6):
        log_in(client, "dpo@example.com")
        client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert log_in(client, "dpo@example.com").status_code == 302


def test_the_refusal_says_when_to_try_again(client, make_user):
    make_user()
    for _ in range(5):
        log_in(client, "dpo@example.com", "wrong password!")
    refused = log_in(client, "dpo@example.com", "wrong password!")

    assert "Try again in 1 minute." in refused.text


def test_a_deactivated_user_cannot_log_in(client, make_user, logged_in, app):
    user_id = make_user(email="leaver@example.com", role=Role.VIEWER)
    admin = logged_in(Role.ADMIN)
    admin.post(
        f"/admin/users/{user_id}/deactivate", data={"csrf_token": csrf_token(admin, "/admin/")}
    )
    admin.post("/admin/logout", data={"csrf_token": csrf_token(admin, "/admin/")})
    assert log_in(client, "leaver@example.com").status_code == 400


def test_after_login_only_an_admin_address_is_followed(client, make_user):
    make_user()
    response = log_in(client, "dpo@example.com", next_address="https://evil.example/admin")
    assert response.headers["Location"] == "/admin/"


def test_after_login_an_address_with_a_line_break_is_not_followed_nor_a_500(client, make_user):
    make_user()
    response = log_in(client, "dpo@example.com", next_address="/admin/%0D%0AX-Injected:%20yes")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    assert "X-Injected" not in response.headers


def test_an_admin_adds_a_user_and_it_is_on_the_trail_without_the_password(logged_in, app):
    client = logged_in(Role.ADMIN)
    # As the registry hashes passwords unless told otherwise (the tests choose a cheap method).
    app.config["PASSWORD_HASH_METHOD"] = defaults(app.instance_path)["PASSWORD_HASH_METHOD"]
    token = csrf_token(client, "/admin/users")
    form = {
        "csrf_token": token,
        "email": "New@Example.com",
        "role": "editor",
        "password": "a long password",
    }
    response = client.post("/admin/users", data=form)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new@example.com"))
        assert user.role is Role.EDITOR
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.subject_id == str(user.id))
        )
        assert (event.actor, event.action) == ("admin@example.com", "user.created")
        assert event.after == {"email": "new@example.com", "role": "editor", "active": True}
        assert user.password_hash.startswith("scrypt:")


def test_a_second_user_with_the_same_address_is_refused_in_the_page(logged_in):
    client = logged_in(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    form = {
        "csrf_token": token,
        "email": "admin@example.com",
        "role": "viewer",
        "password": "a long password",
    }
    response = client.post("/admin/users", data=form)
    assert response.status_code == 400
    assert "There is already a user admin@example.com." in response.text


def test_the_audit_trail_exports_as_csv_with_its_hashes(logged_in):
    client = logged_in(Role.VIEWER)
    header, *rows = list(
        csv.reader(io.StringIO(client.get("/admin/audit.csv").data.decode("utf-8-sig")))
    )
    assert header[-2:] == ["previous_hash", "hash"]
    assert [row[3] for row in rows] == ["user.created"]


def test_the_audit_trail_filters_by_action(logged_in, make_user):
    client = logged_in(Role.ADMIN)
    page = client.get("/admin/audit?action=user.deactivated").text
    assert "No event yet." in page


def test_users_create_on_the_command_line_asks_for_the_password_twice(runner, app):
    result = runner.invoke(
        args=["users", "create", "dpo@example.com", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0
    assert "Created admin dpo@example.com." in result.output


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "dpo@example.com", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_users_check_says_how_to_create_the_first_user(runner):
    result = runner.invoke(args=["users", "check"])
    assert "flask --app wsgi users create you@example.com --role admin" in result.output


def test_users_check_is_silent_once_a_user_exists(runner, make_user):
    make_user()
    assert runner.invoke(args=["users", "check"]).output == ""


def test_deactivating_a_user_ends_their_open_session(client, app, make_user):
    user_id = make_user(email="leaver@example.com", role=Role.VIEWER)
    log_in(client, "leaver@example.com")
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user_id), "test")
        db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_the_login_limit_counts_an_account_however_its_address_is_written(client, make_user):
    make_user()
    variants = [
        "dpo@example.com",
        "DPO@example.com",
        " dpo@example.com",
        "dpo@ｅxample.com",
        "dpo@example.com",
        "dpo@example.com",
    ]
    clients = [client_from(client.application, f"203.0.113.{n}") for n in range(len(variants) * 2)]
    statuses = [
        log_in(clients[n], variants[n % len(variants)], "wrong password!").status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429


def test_logging_in_starts_a_fresh_session(client, make_user):
    make_user()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    log_in(client, "dpo@example.com")
    with client.session_transaction() as after:
        assert "planted" not in after


def test_the_audit_page_ignores_query_names_meant_for_flask(logged_in):
    client = logged_in(Role.VIEWER)
    assert (
        client.get("/admin/audit?endpoint=x&_external=1&page=100000000000000000000").status_code
        == 200
    )


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_session_cookie_saved_before_logout_gets_the_login_page_after_it(app, client, logged_in):
    logged_in(Role.ADMIN)
    saved = _session_cookie(client)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    thief = app.test_client()
    thief.set_cookie("session", saved)
    response = thief.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_after_logout_the_user_logs_in_again_with_a_new_session(client, logged_in):
    logged_in(Role.ADMIN)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert log_in(client, "admin@example.com").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_deactivation_ends_the_users_open_sessions(app, client, make_user, logged_in):
    user_id = make_user(email="leaver@example.com", role=Role.VIEWER)
    leaver = app.test_client()
    assert log_in(leaver, "leaver@example.com").status_code == 302
    admin = logged_in(Role.ADMIN)
    admin.post(
        f"/admin/users/{user_id}/deactivate", data={"csrf_token": csrf_token(admin, "/admin/")}
    )
    assert leaver.get("/admin/").status_code == 302


def test_with_a_shared_store_the_login_limit_holds_across_processes(migrated_database, make_user):
    """Two web processes (two apps) counting in one Redis: failures in one slow down the other."""
    import uuid

    import redis

    from registry import create_app
    from tests.conftest import test_config

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    make_user()
    shared = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first, second = (create_app({**test_config(migrated_database), **shared}) for _ in range(2))
    try:
        for _ in range(5):
            log_in(first.test_client(), "dpo@example.com", "wrong password!")
        refused = log_in(second.test_client(), "dpo@example.com", "wrong password!")
    finally:
        for process in (first, second):
            with process.app_context():
                db.engine.dispose()
    assert refused.status_code == 429
