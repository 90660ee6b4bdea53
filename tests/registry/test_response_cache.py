"""The public answers kept by register version (registry.response_cache): a conditional GET is
answered 304 with one query, a write shows at once, the team's answers are never shared."""

import re
import socket
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.extensions import db
from registry.models import ChangeKind, Subprocessor
from registry.models.accounts import Role
from registry.notices import changes
from registry.response_stores import MemoryStore
from tests.conftest import test_config as settings_for
from tests.web import log_in

INDIA_SCC = {"country_code": "IN", "role": "processing", "transfer_tool": "scc", "scc_module": 3}


@pytest.fixture
def cached(app):
    """The application keeping its answers, as it does outside the tests."""
    app.extensions["response_cache"] = MemoryStore(64)
    return app


@pytest.fixture
def public(cached):
    return cached.test_client()


@contextmanager
def queries_sent(app):
    """The SQL queries sent within the block; transaction control (SQLite's BEGIN) is not one."""
    with app.app_context():
        engine = db.engine
    queries = []

    def count(connection, cursor, statement, *args):
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            queries.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield queries
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _announce(app, subprocessor_id):
    with app.app_context():
        notice = changes.announce(
            ChangeKind.ADDITION, db.session.get(Subprocessor, subprocessor_id), "dpo@example.com"
        )
        db.session.commit()
        return notice.id


def _correct(app, subprocessor_id, **corrections):
    with app.app_context():
        entry = db.session.get(Subprocessor, subprocessor_id)
        changes.publish_editorial(entry, corrections, "A typo", "dpo@example.com")
        db.session.commit()


def test_a_conditional_get_is_answered_304_with_no_query_but_the_versions(
    cached, public, make_subprocessor
):
    make_subprocessor()
    etag = public.get("/subprocessors?lang=en").headers["ETag"]
    with queries_sent(cached) as queries:
        response = public.get("/subprocessors?lang=en", headers={"If-None-Match": etag})
    assert (response.status_code, len(queries)) == (304, 1)


def test_a_repeated_get_is_the_kept_answer_read_with_one_query(cached, public, make_subprocessor):
    make_subprocessor(name="Nimbus Cloud")
    first = public.get("/api/v1/subprocessors?lang=en")
    with queries_sent(cached) as queries:
        second = public.get("/api/v1/subprocessors?lang=en")
    assert (second.data, len(queries)) == (first.data, 1)


def test_if_modified_since_the_versions_instant_is_answered_304(public, make_subprocessor):
    make_subprocessor()
    modified = public.get("/subprocessors.csv?lang=en").headers["Last-Modified"]
    response = public.get("/subprocessors.csv?lang=en", headers={"If-Modified-Since": modified})
    assert response.status_code == 304


@pytest.mark.parametrize("address", ["/subscribe/sent?lang=de", "/customer/sent?lang=fr"])
def test_the_pages_after_a_form_was_sent_answer_a_conditional_get_with_304(public, address):
    etag = public.get(address).headers["ETag"]
    response = public.get(address, headers={"If-None-Match": etag})
    assert (response.status_code, response.headers.get("Set-Cookie")) == (304, None)


def test_a_kept_answer_carries_one_cache_control_of_its_own(public):
    public.get("/feeds/changes.atom?lang=en")  # the feed's view says max-age=300
    kept = public.get("/feeds/changes.atom?lang=en")
    (cache_control,) = kept.headers.getlist("Cache-Control")
    assert re.fullmatch(r"public, max-age=([0-9]|[1-5][0-9]|60), must-revalidate", cache_control)


def test_an_announcement_changes_the_etag_and_shows_at_once(cached, public, make_subprocessor):
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    before = public.get("/changes?lang=en")
    _announce(cached, proposed)
    after = public.get("/changes?lang=en", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "New subprocessor: Nimbus Cloud" in after.text


def test_an_editorial_correction_shows_at_once(cached, public, make_subprocessor):
    entry = make_subprocessor(name="Nimbus Clod").id
    assert "Nimbus Clod" in public.get("/subprocessors?lang=en").text
    _correct(cached, entry, name="Nimbus Cloud")
    assert "Nimbus Cloud" in public.get("/subprocessors?lang=en").text


def test_a_notice_taking_effect_shows_at_once(cached, public, runner, clock, make_subprocessor):
    _announce(cached, make_subprocessor(name="Nimbus Cloud", status="proposed").id)
    assert "Nimbus Cloud" not in public.get("/api/v1/subprocessors?lang=en").text
    clock.move(days=31)
    runner.invoke(args=["notices", "apply-due"])
    assert "Nimbus Cloud" in public.get("/api/v1/subprocessors?lang=en").text


def test_the_objection_window_closing_without_a_write_is_not_hidden_by_the_cache(
    cached, public, clock, make_subprocessor
):
    _announce(cached, make_subprocessor(status="proposed").id)
    assert public.get("/api/v1/changes?lang=en").json["changes"][0]["objections_open"]
    clock.move(days=30, seconds=1)
    assert not public.get("/api/v1/changes?lang=en").json["changes"][0]["objections_open"]


def test_a_page_that_turned_at_a_deadline_is_modified_since_then(
    cached, public, clock, make_subprocessor
):
    notice = _announce(cached, make_subprocessor(status="proposed").id)
    clock.move(days=30, seconds=-10)  # the same day as the deadline, before it
    modified = public.get(f"/changes/{notice}?lang=en").headers["Last-Modified"]
    clock.move(seconds=20)
    response = public.get(f"/changes/{notice}?lang=en", headers={"If-Modified-Since": modified})
    assert response.status_code == 200


def test_max_age_ends_at_the_next_deadline(cached, public, clock, make_subprocessor):
    _announce(cached, make_subprocessor(status="proposed").id)
    clock.move(days=30, seconds=-10)
    response = public.get("/changes?lang=en")
    assert response.cache_control.max_age == 10


def test_a_new_day_is_a_new_answer(public, clock, make_subprocessor):
    make_subprocessor()
    today = public.get("/transfers?lang=en").headers["ETag"]
    clock.move(days=1)
    assert public.get("/transfers?lang=en").headers["ETag"] != today


def test_two_languages_are_kept_apart(public, make_subprocessor):
    make_subprocessor()
    public.get("/subprocessors?lang=de")
    assert '<html lang="fr">' in public.get("/subprocessors?lang=fr").text


def test_negotiated_languages_are_kept_apart_and_vary_by_accept_language(public):
    public.get("/changes", headers={"Accept-Language": "de"})
    response = public.get("/changes", headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in response.text
    assert "Accept-Language" in response.headers["Vary"]


def test_a_public_get_in_a_named_language_sets_no_cookie_and_no_vary_cookie(public):
    response = public.get("/changes?lang=de")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_a_notice_in_a_named_language_links_to_its_objection_form_in_it(
    cached, public, make_subprocessor
):
    notice = _announce(cached, make_subprocessor(status="proposed").id)
    page = public.get(f"/changes/{notice}?lang=de").text
    assert f'href="/changes/{notice}/object?lang=de"' in page


def test_a_public_answer_may_be_kept_by_a_shared_cache(public):
    cache_control = public.get("/feeds/changes.atom?lang=en").cache_control
    assert (cache_control.public, cache_control.max_age) == (True, 60)


def test_the_teams_verdicts_are_never_served_to_the_public(
    cached, public, make_user, make_subprocessor
):
    make_subprocessor(locations=[INDIA_SCC])
    make_user(email="viewer@example.com", role=Role.VIEWER)
    team = cached.test_client()
    log_in(team, "viewer@example.com")
    assert "verdict" in team.get("/api/v1/transfers?lang=en").text
    assert "verdict" not in public.get("/api/v1/transfers?lang=en").text


def test_the_public_answer_is_never_served_to_the_team(
    cached, public, make_user, make_subprocessor
):
    make_subprocessor(locations=[INDIA_SCC])
    make_user(email="viewer@example.com", role=Role.VIEWER)
    team = cached.test_client()
    log_in(team, "viewer@example.com")
    public.get("/api/v1/transfers?lang=en")
    response = team.get("/api/v1/transfers?lang=en")
    assert "verdict" in response.text
    assert response.cache_control.private


def test_a_request_with_a_session_cookie_is_answered_privately(cached, public):
    public.get("/subscribe")  # the form's CSRF token opens a session
    assert public.get("/changes?lang=en").cache_control.private


def _redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_instances_share_their_answers_through_redis(
    migrated_database, tmp_path, monkeypatch, make_subprocessor
):
    import redis

    prefix = f"registry-test-{uuid.uuid4().hex}:"
    settings = settings_for(migrated_database) | {
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CACHE_KEY_PREFIX": prefix,
    }
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    first, second = create_app(settings), create_app(settings)
    make_subprocessor(name="Nimbus Cloud")
    try:
        kept = first.test_client().get("/subprocessors?lang=en")
        with queries_sent(second) as queries:
            response = second.test_client().get("/subprocessors?lang=en")
        assert (response.data, len(queries)) == (kept.data, 1)
    finally:
        client = redis.Redis.from_url(settings["REDIS_URL"])
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
