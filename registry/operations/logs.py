"""The processes' logs: readable lines by default; with LOG_FORMAT=json, one JSON object a line
on stderr (structlog), the same for the application, the worker, Werkzeug and gunicorn.

Each request gets an id: the caller's `X-Request-ID` when it is a sane token (a proxy's, say),
else a new one. It is echoed in the response's header and carried by every line logged while
the request is answered, and the request ends with one line of its method, path, status and
duration. No email address reaches a JSON line whole: `redact_emails` keeps its first
character and its domain (`d***@example.com`), wherever it is in the event.
"""

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or a load balancer sends: a UUID, a hex string, a trace id. Anything else (too
# long, spaces, control characters) is replaced, so that a log line never carries a caller's
# text as its id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# An address's local part as people write it (RFC 5322's atom characters and dots, but for
# "/", "?", "=", "&" and "#", which separate it from a path or a query around it), then its
# domain.
EMAIL_ADDRESS = re.compile(
    r"(?P<first>[\w!$%'*+^`{|}~-])[\w.!$%'*+^`{|}~-]*@(?P<domain>[\w-]+(?:\.[\w-]+)+)"
)

requests_log = logging.getLogger("registry.requests")
PROBES = {"operations.healthz", "operations.readyz"}
# The id of the request this thread answers; None between requests (and in the worker).
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def register_logging(app: Flask) -> None:
    """Give every request its id and its closing line; with LOG_FORMAT=json, log JSON lines."""
    if app.config["LOG_FORMAT"] == "json":
        use_json_logs()
    # First of the app's before_request functions: a request refused by a later one is logged
    # with its id and duration too.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_end)
    app.teardown_request(lambda _error: current_request_id.set(None))


def request_id(sent: str | None) -> str:
    """The id of a request: the one sent, if it is a sane token, else a new one."""
    if sent and SANE_REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def add_request_id(_logger, _method: str, event: dict) -> dict:
    """A structlog processor: the id of the request being answered, if any."""
    identifier = current_request_id.get()
    if identifier is not None:
        event.setdefault("request_id", identifier)
    return event


def redact_emails(_logger, _method: str, event: dict) -> dict:
    """A structlog processor: every email address in the event's values, nested or not, with its
    local part hidden but its first character."""
    return {key: _redacted(value) for key, value in event.items()}


def _redacted(value):
    if isinstance(value, str):
        return EMAIL_ADDRESS.sub(r"\g<first>***@\g<domain>", value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def json_formatter() -> logging.Formatter:
    """The formatter of every JSON line, for the standard library's loggers (the application's,
    Werkzeug's, gunicorn's, as gunicorn.conf.py configures them) and structlog's."""
    # structlog is imported only for JSON lines: with the readable ones no process pays for it.
    import structlog

    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            add_request_id,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_emails,
            structlog.processors.JSONRenderer(),
        ],
    )


class _JsonHandler(logging.StreamHandler):
    """The root logger's handler for JSON lines; a second app replaces the first's."""


def use_json_logs() -> None:
    """Send every log record of the process to stderr as a JSON line, from INFO up."""
    import structlog

    structlog.configure(
        processors=[
            add_request_id,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if isinstance(handler, _JsonHandler)]:
        root.removeHandler(handler)
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _begin() -> None:
    g.request_id = request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()
    current_request_id.set(g.request_id)


def _end(response: Response) -> Response:
    identifier = g.get("request_id") or request_id(None)
    response.headers[REQUEST_ID_HEADER] = identifier
    milliseconds = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    # An orchestrator probes every few seconds: its answers would drown the lines that matter.
    level = logging.DEBUG if request.endpoint in PROBES else logging.INFO
    requests_log.log(
        level,
        "%s %s %s %.1f ms",
        request.method,
        request.path,
        response.status_code,
        milliseconds,
        extra={
            "request_id": identifier,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(milliseconds, 1),
        },
    )
    return response
