"""What every request and response goes through: bodies the forms can read, and the headers
that keep browsers and caches from doing more than the pages need."""

from flask import Flask, Response, abort, request
from flask_babel import lazy_gettext as _

# Only our own files: no CDN, no inline script; inline styles are not needed either.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def form_accepted(response: Response) -> bool:
    """Whether a form's POST was taken (it redirects): only those count against a rate limit,
    so a mistyped form costs nothing and a limit measures what could have an effect."""
    return response.status_code in (302, 303)


def register_http_guards(app: Flask) -> None:
    app.before_request(reject_nul_characters)
    app.before_request(reject_file_parts)
    app.after_request(security_headers)


def reject_nul_characters() -> None:
    """No field takes a NUL character, and PostgreSQL cannot store one: refuse it up front."""
    # Every value of a repeated field: a form reads the first, a multiple choice them all.
    values = [*request.args.listvalues(), *request.form.listvalues()]
    if any("\x00" in value for repeated in values for value in repeated):
        abort(400, description=_("A field holds a NUL character, which no field accepts."))


def reject_file_parts() -> None:
    """No form takes a file: a field sent as a file part would reach a text field's checks as
    an uploaded file, so it is refused before any form reads it."""
    if request.files:
        abort(
            400,
            description=_(
                "This form takes text only, but a field was sent as a file. "
                "Fill in the form on its page and send it from there."
            ),
        )


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
