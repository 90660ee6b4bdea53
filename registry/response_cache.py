"""The public register's answers cached as bytes, keyed by the register's version.

Every write commits with an audit event, which advances `AuditHead.last_event_id` in the same
transaction (`registry.audit.record`): that number is the register's version. A public GET of
an endpoint in `CACHED_ENDPOINTS` first reads it (one single-row query, before any other query
or rendering) and looks up the answer kept for (version, day in ORG_TIMEZONE, language, path,
query): a conditional GET is answered 304, any other GET gets the kept bytes. A miss is
rendered as usual and kept if it is a plain 200.

Within a day a page can change without a write: an objection window closes at its deadline, a
change falls due. An entry therefore expires at the next such instant among open notices (or
at midnight), its ETag names that instant, and its `max-age` never reaches past it.

Only the public is served from the cache: a request with an Authorization header or a session
cookie may be a team member's or a token holder's (verdicts, flashed messages, forms with a
CSRF token), so it is answered as without a cache, `Cache-Control: private`. An answer whose
rendering touched the session (a CSRF token) or set a cookie is never kept.
"""

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface

from registry import clock
from registry.extensions import db
from registry.i18n import select_locale
from registry.models.audit import AuditEvent, AuditHead
from registry.models.changes import ChangeNotice, NoticeState
from registry.models.customers import CustomerNotice
from registry.response_stores import CachedAnswer, MemoryStore, RedisStore

# The public GETs that show the same to everyone (with the verdicts only if published).
CACHED_ENDPOINTS = frozenset(
    f"public.{name}"
    for name in (
        "index",
        "signing_key",
        "signing_keys",
        "api_reference",
        "api_changes",
        "api_changes_diff",
        "api_country",
        "api_measures",
        "api_openapi",
        "register_export_schema_document",
        "api_snapshots",
        "api_subprocessors",
        "api_transfers",
        "changes",
        "change",
        "changes_diff",
        "changes_diff_csv",
        "feed_atom",
        "feed_json",
        "feed_rss",
        "snapshots",
        "snapshot_json",
        "snapshot_signature",
        "subprocessors",
        "subprocessors_csv",
        "subprocessor",
        "transfers_page",
        "transfers_map",
    )
)
# Headers that belong to one response, not to the answer kept.
_NOT_KEPT = frozenset({"set-cookie", "content-length", "date", "etag", "last-modified"})


def register_response_cache(app: Flask) -> None:
    """Register last: the hooks must run after the guards and before the other after_request."""
    redis_url = app.config["REDIS_URL"]
    app.extensions["response_cache"] = (
        RedisStore(redis_url, app.config["CACHE_KEY_PREFIX"])
        if redis_url
        else MemoryStore(app.config["CACHE_ENTRIES"])
    )
    app.session_interface = PublicAnswerSessions()
    app.before_request(answer_from_cache)
    app.after_request(keep_answer)


def is_public_answer() -> bool:
    """Whether this request is answered from, or for, the shared cache."""
    return g.get("public_answer") is not None


def answer_from_cache() -> Response | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return None
    if _may_be_private():
        g.private_answer = True
        return None
    version = db.session.scalar(sa.select(AuditHead.last_event_id).where(AuditHead.id == 1))
    g.register_version = version or 0
    g.public_answer = key = _key(g.register_version)
    data = current_app.extensions["response_cache"].get(key)
    if data is None:
        return None
    answer = CachedAnswer.from_bytes(data)
    if answer.expires_at <= clock.now().timestamp():
        return None
    g.answered_from_cache = True
    return _response(answer).make_conditional(request)


def keep_answer(response: Response) -> Response:
    if g.get("private_answer"):
        response.cache_control.private = True
        response.cache_control.public = False
        response.cache_control.max_age = None
        return response
    key = g.get("public_answer")
    if key is None or g.get("answered_from_cache"):
        return response
    if not _keepable(response):
        g.public_answer = None
        response.cache_control.private = True
        response.cache_control.public = False
        return response
    answer = _answer(key, response)
    seconds = max(1, int(answer.expires_at - clock.now().timestamp()))
    current_app.extensions["response_cache"].put(key, answer.to_bytes(), seconds)
    _headers(response, answer)
    return response.make_conditional(request)


class PublicAnswerSessions(SecureCookieSessionInterface):
    """Saves no session for a public answer: no cookie, and no `Vary: Cookie` for reading an
    empty one (an answer that wrote to its session is not kept, and is saved as usual)."""

    def save_session(self, app, session, response) -> None:
        if is_public_answer() and not session.modified:
            return
        super().save_session(app, session, response)


def _may_be_private() -> bool:
    cookies = (
        current_app.config["SESSION_COOKIE_NAME"],
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    )
    return "Authorization" in request.headers or any(name in request.cookies for name in cookies)


def _key(version: int) -> str:
    query = sorted(request.args.items(multi=True))
    published = current_app.config["PUBLISH_VERDICTS"]
    parts = [version, clock.today().isoformat(), select_locale(), published, request.path, query]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session.modified
        and not response.cache_control.private
        and not response.cache_control.no_store
    )


def _answer(key: str, response: Response) -> CachedAnswer:
    now = clock.now()
    expires = _next_change_without_a_write(now)
    version = g.register_version
    written = db.session.scalar(sa.select(AuditEvent.occurred_at).where(AuditEvent.id == version))
    day_began = _start_of_day(now)
    modified = max(written, day_began) if written else day_began
    headers = [(name, value) for name, value in response.headers if name.lower() not in _NOT_KEPT]
    etag = hashlib.sha256(f"{key}:{expires.timestamp()}".encode()).hexdigest()[:32]
    return CachedAnswer(
        200, headers, response.get_data(), etag, modified.timestamp(), expires.timestamp()
    )


def _next_change_without_a_write(now: datetime) -> datetime:
    """The first instant after `now` at which a public page may read differently with no write:
    the next deadline or due instant of an announced notice (a customer's own deadline too),
    else the next midnight in ORG_TIMEZONE."""
    announced = ChangeNotice.state == NoticeState.ANNOUNCED
    instants = [
        sa.select(sa.func.min(column)).where(announced, column > now)
        for column in (ChangeNotice.objection_deadline, ChangeNotice.takes_effect_at)
    ]
    instants.append(
        sa.select(sa.func.min(CustomerNotice.objection_deadline))
        .join(ChangeNotice, ChangeNotice.id == CustomerNotice.notice_id)
        .where(announced, CustomerNotice.objection_deadline > now)
    )
    found = [db.session.scalar(select) for select in instants]
    midnight = _start_of_day(now) + timedelta(days=1)
    return min([instant for instant in found if instant is not None] + [midnight])


def _start_of_day(now: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    local = now.astimezone(zone)
    return datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)


def _response(answer: CachedAnswer) -> Response:
    response = Response(answer.body, status=answer.status)
    response.headers.clear()
    for name, value in answer.headers:
        response.headers.add(name, value)
    _headers(response, answer)
    return response


def _headers(response: Response, answer: CachedAnswer) -> None:
    """The ETag, Last-Modified and Cache-Control of a kept answer; `max-age` ends at its expiry
    at the latest, and then a cache must ask again (a 304 costs one query)."""
    response.set_etag(answer.etag)
    response.last_modified = datetime.fromtimestamp(answer.last_modified, UTC)
    left = int(answer.expires_at - clock.now().timestamp())
    response.cache_control.public = True
    response.cache_control.private = False
    response.cache_control.no_cache = None
    response.cache_control.must_revalidate = True
    response.cache_control.max_age = max(0, min(current_app.config["CACHE_SECONDS"], left))
