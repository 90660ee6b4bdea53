"""What every request and response goes through: bodies the forms can read, and the headers
that keep browsers and caches from doing more than the pages need."""

from flask import Flask, Response, abort, current_app, request
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
    # Before any before_request function: CSRF protection reads the body.
    app.url_value_preprocessor(allow_upload)
    app.before_request(reject_nul_characters)
    app.before_request(reject_file_parts)
    app.after_request(security_headers)


def reject_nul_characters() -> None:
    """No field nor part of the path takes a NUL character, and PostgreSQL cannot store or
    compare one: refuse it up front."""
    # Every value of a repeated field: a form reads the first, a multiple choice them all.
    in_path = [[value] for value in (request.view_args or {}).values() if isinstance(value, str)]
    values = [*request.args.listvalues(), *request.form.listvalues(), *in_path]
    if any("\x00" in value for repeated in values for value in repeated):
        abort(400, description=_("A field holds a NUL character, which no field accepts."))


def takes_upload(field: str, largest: int):
    """Mark a view whose form takes one file, in the field `field`, in a request body of at
    most `largest` bytes: the one exception to `reject_file_parts`, and a body limit of its own
    beside MAX_CONTENT_LENGTH, for that route alone. Put it right under the route's decorator."""

    def decorator(view):
        view.upload = (field, largest)
        return view

    return decorator


def allow_upload(endpoint: str | None, values: dict | None) -> None:
    """A route that takes an upload (`takes_upload`) reads a body up to its own limit."""
    upload = _upload_of(endpoint)
    if upload is not None:
        request.max_content_length = max(upload[1], current_app.config["MAX_CONTENT_LENGTH"])


def _upload_of(endpoint: str | None) -> tuple[str, int] | None:
    return getattr(current_app.view_functions.get(endpoint or ""), "upload", None)


def reject_file_parts() -> None:
    """No form takes a file but those marked with `takes_upload`, each in its one field: a
    field sent as a file part would reach a text field's checks as an uploaded file, so it is
    refused before any form reads it."""
    field = (_upload_of(request.endpoint) or ("",))[0]
    names = [name for name, _file in request.files.items(multi=True)]
    if names and names != [field]:
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
