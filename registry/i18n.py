"""The reader's language: chosen by `?lang=`, then remembered in a cookie, then Accept-Language.

Country names come from pycountry's translations, through `transfers.countries`.
"""

from flask import Flask, Response, abort, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from transfers import countries

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def register_i18n(app: Flask) -> None:
    app.before_request(_reject_unknown_language)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        current_language=current_language,
        url_in_language=url_in_language,
        country_name=country_name,
        flag=countries.flag,
        is_eea=countries.is_eea,
    )


def select_locale() -> str:
    """The language of this request, for Flask-Babel."""
    languages = current_app.config["LANGUAGES"]
    requested = _requested_language()
    if requested in languages:
        return requested
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in languages:
        return remembered
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    """The two-letter code of the language this request is served in."""
    return str(get_locale())


def url_in_language(language: str) -> str:
    """This page's address in another language, its other query parameters kept."""
    if (
        request.endpoint is None
        or request.url_rule is None
        or "GET" not in request.url_rule.methods
    ):
        return url_for("public.subprocessors", lang=language)
    arguments = {**request.args.to_dict(), **(request.view_args or {}), "lang": language}
    return url_for(request.endpoint, **arguments)


def country_name(code: str) -> str:
    """The name of a country in the language of this request."""
    return countries.country_name(code, current_language())


def _requested_language() -> str | None:
    requested = request.args.get("lang")
    return requested.strip().lower() if requested is not None else None


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
    requested = _requested_language()
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
    response.vary.update(("Accept-Language", "Cookie"))
    return response
