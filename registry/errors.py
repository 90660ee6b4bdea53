"""Errors as the reader expects them: a page for people, JSON with the status for the API."""

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from registry import clock
from registry.extensions import limiter
from registry.writes import refused_as_duplicate

TITLES = {
    400: _l("The request cannot be answered as it stands"),
    403: _l("You may not see this page"),
    404: _l("Page not found"),
    405: _l("This page does not accept that method"),
    409: _l("This can no longer be done"),
    413: _l("The request is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The register is unavailable for a moment"),
}
GENERIC_MESSAGES = {
    404: _l("There is no page at this address. The register itself is always at /subprocessors."),
    405: _l("Use the links and forms on the pages to get here."),
    500: _l("The error has been logged. Please try again later."),
}
# The errors of a database that cannot be reached or answer now (a restart, the network, every
# connection busy, SQLite locked too long), as opposed to a statement that is wrong.
DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 60


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IntegrityError, _refused_write)
    for error_class in DATABASE_AWAY:
        app.register_error_handler(error_class, _database_away)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json() -> bool:
    """Whether the request was made to the API, which always answers in JSON."""
    return request.path.startswith("/api/")


def json_error(status: int, message: str, **details) -> tuple[Response, int]:
    """An API error body: the status, a message saying what is wrong and what is accepted."""
    return jsonify(error={"status": status, "message": message, **details}), status


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = _message(error)
    if wants_json():
        response = json_error(status, str(message))[0]
    elif request.path.endswith(".csv"):
        response = Response(str(message), mimetype="text/plain")
    else:
        title = TITLES.get(status, error.name)
        page = render_template("errors/error.html", status=status, title=title, message=message)
        response = Response(page, mimetype="text/html")
    response.status_code = status
    # Keep what the error says beyond its body, such as the Allow header of a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _refused_write(error: IntegrityError) -> Response:
    # A unique key or another constraint refused what a view wrote without `writes.committed`.
    return _http_error(refused_as_duplicate(error))


def _database_away(error: Exception) -> Response:
    # The page needs nothing from the database, not even the user (`register_extensions`).
    current_app.logger.exception("The database failed on %s %s", request.method, request.path)
    unavailable = ServiceUnavailable(
        description=_l("The register's database cannot be reached; try again in a minute."),
        retry_after=RETRY_AFTER_SECONDS,
    )
    return _http_error(unavailable)


def _unexpected_error(error: Exception) -> Response:
    if current_app.testing:
        raise error  # a test sees the traceback, not a polite page
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError(original_exception=error))


def _message(error: HTTPException):
    if error.code == 429:
        return _too_many()
    # Our own aborts carry a specific, translated description; werkzeug's defaults are English.
    if error.description != type(error).description:
        return error.description
    if error.code == 413:
        return _l(
            "This registry accepts requests of at most %(size)s. Shorten what you wrote and "
            "send it again.",
            # A route that takes an upload has a limit of its own (`http_guards.takes_upload`).
            size=_size(request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]),
        )
    return GENERIC_MESSAGES.get(error.code, error.description)


def _too_many():
    # The limiter's own description is the limit in English ("5 per 1 minute"): say instead
    # when to come back, which the Retry-After header also gives.
    limit = limiter.current_limit
    if limit is None:
        return _l("Too many requests came from here. Wait a little and try again.")
    # The limiter rounds the reset up to the next whole second: 61 s is still "1 minute".
    minutes = max(1, round((limit.reset_at - clock.machine_seconds()) / 60))
    return lazy_ngettext(
        "Too many requests came from here. Try again in %(num)d minute.",
        "Too many requests came from here. Try again in %(num)d minutes.",
        minutes,
    )


def _size(octets: int) -> str:
    if octets % (1024 * 1024) == 0:
        return f"{octets // (1024 * 1024)} MiB"
    return f"{octets // 1024} KiB"
