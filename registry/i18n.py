"""The reader's language: chosen by `?lang=`, then remembered in a cookie, then Accept-Language.

Country names come from pycountry's translations, through `transfers.countries`; their flags
are images in static/flags/ (flag-icons, see its README), shown beside the name.
"""

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from transfers import countries

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
# Resources whose address always names the language: shared caches may keep them, so they
# do not set the cookie.
LANGUAGE_IN_ADDRESS = {"public.transfers_map"}
# Files in no language (machine contracts, signed bytes): their links carry no `?lang=`.
LANGUAGE_NEUTRAL = {
    "public.api_openapi",
    "public.register_export_schema_document",
    "public.snapshot_json",
    "public.snapshot_signature",
    "public.signing_key",
    "public.signing_keys",
}


def register_i18n(app: Flask) -> None:
    app.before_request(_reject_unknown_language)
    app.after_request(_remember_language)
    app.url_defaults(_keep_language_in_links)
    app.jinja_env.globals.update(
        current_language=current_language,
        url_in_language=url_in_language,
        country_name=country_name,
        flag=country_flag,
        # Emails and feeds are read away from our pages: there the flag is the emoji.
        flag_emoji=countries.flag,
    )


def select_locale() -> str:
    """The language of this request, for Flask-Babel; the default one on the command line."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    requested = _requested_language()
    if requested in languages:
        return requested
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in languages:
        return remembered
    # By the reader's order of preference, on the primary subtag: "de-CH, en;q=0.5" is German.
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in languages:
            return primary
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The two-letter code of the language this request is served in."""
    return str(get_locale())


def _keep_language_in_links(endpoint: str, values: dict) -> None:
    """A public page whose address names its language links to the others in it: it sets no
    language cookie (a shared cache keeps it), so the reader's choice travels in the links."""
    if not endpoint.startswith("public.") or endpoint in LANGUAGE_NEUTRAL or "lang" in values:
        return
    if not has_request_context():
        return
    requested = _requested_language()
    if requested in current_app.config["LANGUAGES"]:
        values["lang"] = requested


def url_in_language(language: str) -> str:
    """This page's address in another language, its other query parameters kept."""
    parameters = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return f"{request.path}?{urlencode([*parameters, ('lang', language)])}"


def country_name(code: str) -> str:
    """The name of a country in the language of this request."""
    return countries.country_name(code, current_language())


def country_flag(code: str) -> Markup:
    """The country's flag as a small image, decorative (alt=""): the country's name stands beside
    it. Nothing for a code without a flag in static/flags/."""
    code = code.lower()
    if code not in _flags(current_app.static_folder):
        return Markup("")
    return Markup('<img class="flag" src="{}" alt="" width="20" height="15">').format(
        url_for("static", filename=f"flags/{code}.svg")
    )


@cache
def _flags(static_folder: str) -> frozenset[str]:
    return frozenset(path.stem for path in Path(static_folder, "flags").glob("*.svg"))


def _requested_language() -> str | None:
    """The language asked for in the address, lower case; None where none is asked for."""
    requested = request.args.get("lang", "").strip().lower()
    return requested or None


def _reject_unknown_language() -> None:
    requested = _requested_language()
    languages = current_app.config["LANGUAGES"]
    if requested is not None and requested not in languages:
        abort(
            400,
            description=_(
                "The language “%(language)s” is not available. Choose one of: %(choices)s.",
                language=request.args["lang"],
                choices=", ".join(f"{code} ({name})" for code, name in languages.items()),
            ),
        )


def _remember_language(response: Response) -> Response:
    if request.endpoint in LANGUAGE_IN_ADDRESS:
        return response
    requested = _requested_language()
    if requested is None:
        # Negotiated: from the cookie, else Accept-Language.
        response.vary.update(("Accept-Language", "Cookie"))
        return response
    if g.get("public_answer") is not None:
        # A shared cache keeps this answer: it sets no cookie; its links keep `?lang=`.
        return response
    if requested in current_app.config["LANGUAGES"] and requested != request.cookies.get(
        LANGUAGE_COOKIE
    ):
        response.set_cookie(
            LANGUAGE_COOKIE,
            requested,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response
