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
from werkzeug.http import http_date, quote_etag

from registry import clock
from registry.extensions import db, limiter
from registry.i18n import select_locale
from registry.models.audit import AuditEvent, AuditHead
from registry.models.changes import ChangeNotice, NoticeState
from registry.models.customers import CustomerNotice
from registry.response_stores import CachedAnswer, MemoryStore, RedisStore

# The public GETs that show the same to everyone (with the verdicts only if published).
CACHED_ENDPOINTS = frozenset(
    f"public.{name}"
    for name in (
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
        "subscription_sent",
        "customer_access_sent",
        "transfers_page",
        "transfers_map",
    )
)
# Headers that belong to one response, not to the answer kept.
_NOT_KEPT = frozenset(
    {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control"}
)


def register_response_cache(app: Flask) -> None:
    """Register last: the hooks must run after the guards and before the other after_request."""
    redis_url = app.config["REDIS_URL"]
    app.extensions["response_cache"] = (
        RedisStore(redis_url, app.config["CACHE_KEY_PREFIX"])
        if redis_url
        else MemoryStore(app.config["CACHE_ENTRIES"])
    )
    app.session_interface = PublicAnswerSessions()
    limiter.request_filter(is_cached_public_get)
    app.before_request(answer_from_cache)
    app.after_request(keep_answer)


def is_public_answer() -> bool:
    """Whether this request is answered from, or for, the shared cache."""
    return g.get("public_answer") is not None


def keeps_this_answer() -> bool:
    """Whether this request's answer, if a plain 200, will be kept: a view may stream its answer
    (which is never kept) only where it would not be."""
    return is_public_answer() and current_app.extensions["response_cache"].keeps_answers


def answer_from_cache() -> Response | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return None
    if _may_be_private():
        g.private_answer = True
        return None
    g.register_version = register_version()
    g.public_answer = key = _key(g.register_version)
    answer = current_app.extensions["response_cache"].get(key)
    if answer is None:
        return None
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
    current_app.extensions["response_cache"].put(key, answer, seconds)
    _headers(response, answer)
    return response.make_conditional(request)


def register_version() -> int:
    """The register's version: one row read on a connection of its own, without the ORM
    session, which a cached answer then never opens. Read before the page is rendered, it is
    never newer than what the page shows, so an answer is never kept under a newer version."""
    with db.engine.connect() as connection:
        return connection.execute(_VERSION).scalar() or 0


_VERSION = sa.select(AuditHead.last_event_id).where(AuditHead.id == 1)


def is_cached_public_get() -> bool:
    """A GET of a cached public endpoint: no rate limit applies to one (they limit the forms'
    POSTs), so the limiter need not look (`registry.extensions`)."""
    return request.method in ("GET", "HEAD") and request.endpoint in CACHED_ENDPOINTS


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
    last_turn, next_turn = _turns_without_a_write(now)
    written = db.session.scalar(
        sa.select(AuditEvent.occurred_at).where(AuditEvent.id == g.register_version)
    )
    day_began = _start_of_day(now)
    modified = max(instant for instant in (written, day_began, last_turn) if instant)
    expires = min(instant for instant in (next_turn, day_began + timedelta(days=1)) if instant)
    headers = [(name, value) for name, value in response.headers if name.lower() not in _NOT_KEPT]
    etag = hashlib.sha256(f"{key}:{expires.timestamp()}".encode()).hexdigest()[:32]
    return CachedAnswer(
        200, headers, response.get_data(), etag, modified.timestamp(), expires.timestamp()
    )


def _turns_without_a_write(now: datetime) -> tuple[datetime | None, datetime | None]:
    """The last instant up to `now` and the first after it at which a public page reads
    differently with no write: a deadline or due instant of an announced notice (a customer's
    own deadline too). One query; None where there is none."""
    announced = ChangeNotice.state == NoticeState.ANNOUNCED
    customer_deadline = (
        sa.select(CustomerNotice.objection_deadline.label("instant"))
        .join(ChangeNotice, ChangeNotice.id == CustomerNotice.notice_id)
        .where(announced)
    )
    instants = sa.union_all(
        sa.select(ChangeNotice.objection_deadline.label("instant")).where(announced),
        sa.select(ChangeNotice.takes_effect_at.label("instant")).where(announced),
        customer_deadline,
    ).subquery()
    last, following = db.session.execute(
        sa.select(
            sa.func.max(sa.case((instants.c.instant <= now, instants.c.instant))),
            sa.func.min(sa.case((instants.c.instant > now, instants.c.instant))),
        )
    ).one()
    return _aware(last), _aware(following)


def _aware(instant) -> datetime | None:
    """An instant read from an aggregate, which the column type does not convert."""
    if instant is None:
        return None
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _start_of_day(now: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    local = now.astimezone(zone)
    return datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)


def _response(answer: CachedAnswer) -> Response:
    kept = [(name, value) for name, value in answer.headers if name.lower() not in _NOT_KEPT]
    return Response(answer.body, status=answer.status, headers=kept + _validators(answer))


def _headers(response: Response, answer: CachedAnswer) -> None:
    for name, value in _validators(answer):
        response.headers[name] = value


def _validators(answer: CachedAnswer) -> list[tuple[str, str]]:
    """The ETag, Last-Modified and Cache-Control of a kept answer; `max-age` ends at its expiry
    at the latest, and then a cache must ask again (a 304 costs one query). Written as the
    header lines themselves: a hit builds no header object to parse again."""
    left = int(answer.expires_at - clock.now().timestamp())
    max_age = max(0, min(current_app.config["CACHE_SECONDS"], left))
    return [
        ("ETag", quote_etag(answer.etag)),
        ("Last-Modified", http_date(answer.last_modified)),
        ("Cache-Control", f"public, max-age={max_age}, must-revalidate"),
    ]
