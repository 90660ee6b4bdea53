"""The OpenAPI 3.1 document of the API, generated from the application: every rule under
`/api/v1/` with its view's docstring (YAML after `---`, read by apispec's FlaskPlugin), the
component schemas of `answers`, `schemas` and `requests`, and the parameters and error answers
every operation shares. Built once per application, then kept."""

from apispec import APISpec, BasePlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask
from werkzeug.routing import Rule

from registry.openapi import answers, requests, schemas
from registry.openapi.types import asked_day, ref, text

API_PREFIX = "/api/v1/"
UNDOCUMENTED_METHODS = {"HEAD", "OPTIONS"}  # Flask answers them for every GET route

SCHEMAS = {
    "Error": answers.ERROR,
    "CountryCode": schemas.COUNTRY_CODE,
    "Term": schemas.TERM,
    "EntityName": schemas.ENTITY,
    "AdequacyDecision": schemas.ADEQUACY_DECISION,
    "TransferGround": schemas.GROUND,
    "Measure": schemas.MEASURE,
    "Reason": schemas.REASON,
    "Transfer": schemas.TRANSFER,
    "GroundFacts": schemas.GROUND_FACTS,
    "Location": schemas.LOCATION,
    "ChainHop": schemas.CHAIN_HOP,
    "Subprocessor": schemas.SUBPROCESSOR,
    "SubprocessorList": answers.SUBPROCESSOR_LIST,
    "ChangeNotice": answers.NOTICE,
    "ChangeList": answers.CHANGE_LIST,
    "CountryStatus": answers.COUNTRY,
    "TransferEntry": schemas.TRANSFER_ENTRY,
    "TransferList": answers.TRANSFER_LIST,
    "MeasureList": answers.MEASURE_LIST,
    "VerdictsRequest": requests.VERDICTS_REQUEST,
    "Verdicts": answers.VERDICTS,
    "SnapshotReference": schemas.SNAPSHOT_REFERENCE,
    "NoticeLink": schemas.NOTICE_LINK,
    "RegisterDifference": schemas.REGISTER_DIFFERENCE,
    "RegisterDiff": answers.REGISTER_DIFF,
    "Snapshot": schemas.SNAPSHOT,
    "SnapshotList": answers.SNAPSHOT_LIST,
    "JsonSchema": schemas.JSON_SCHEMA,
}


def _error(description: str, headers: dict[str, str] | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if headers:
        response["headers"] = {
            name: {"description": says, "schema": text()} for name, says in headers.items()
        }
    return response


RESPONSES = {
    "BadRequest": _error(
        "A parameter or the body cannot be used; the message says what is accepted."
    ),
    "Unauthorized": _error(
        "The bearer token is unknown, revoked or its user deactivated.",
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    ),
    "NotFound": _error("Nothing at this address."),
    "PayloadTooLarge": _error("The body is larger than the operation accepts."),
    "TooManyRequests": _error("Too many requests from this client.", {"Retry-After": "seconds"}),
    "Unavailable": _error(
        "The database cannot be reached for a moment.", {"Retry-After": "seconds"}
    ),
}
# What any operation may answer: a bad `lang` or NUL character, a bad token, a body over
# MAX_CONTENT_LENGTH (`http_guards`), a database away.
SHARED_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "413": "PayloadTooLarge",
    "503": "Unavailable",
}


def _filter(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "in": "query",
        "name": name,
        "description": f"{description} Once at most.",
        "schema": schema or text(),
    }


def _past_day(name: str, description: str, required: bool = False) -> dict:
    """A day of the register's history (`registry.public.parameters.read_past_day`)."""
    return {
        "in": "query",
        "name": name,
        "description": description,
        "schema": asked_day(),
        **({"required": True} if required else {}),
    }


def _any_case(words: list[str]) -> str:
    """A pattern of these words in any case (JSON Schema's regular expressions have no flag)."""
    letters = ("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words)
    return f"^(?:{'|'.join(letters)})$"


def _parameters(languages: list[str]) -> dict[str, dict]:
    return {
        "Lang": {
            "in": "query",
            "name": "lang",
            "description": f"The language of names and messages: {', '.join(languages)}, in any "
            "case; otherwise the `lang` cookie, then Accept-Language.",
            "schema": text(pattern=_any_case(languages)),
        },
        "Day": {
            "in": "query",
            "name": "on",
            "description": "The day to judge on, YYYY-MM-DD from 2000-01-01; today by default.",
            "schema": asked_day(),
        },
        "RegisterDay": _past_day(
            "on",
            "The register as in effect at the end of this day in the organisation's time zone, "
            "read from the signed snapshot in effect then: YYYY-MM-DD, today or earlier (a day "
            "to come is refused with 400; a day before the recorded history begins is answered "
            "404, saying when it begins), and judged as of that day. Without it, the register "
            "as it reads now. Once at most.",
        ),
        "DiffFrom": _past_day(
            "from",
            "The first day: the register at its start (the end of the day before, in the "
            "organisation's time zone) is compared. YYYY-MM-DD, today or earlier, not after "
            "`to`. Once.",
            required=True,
        ),
        "DiffTo": _past_day(
            "to",
            "The last day: the register at its end is compared. YYYY-MM-DD, today or earlier. "
            "Once.",
            required=True,
        ),
        "CountryFilter": _filter(
            "country",
            "Only subprocessors with a location in this country: an ISO 3166-1 alpha-2 code, "
            "in any case.",
            ref("CountryCode"),
        ),
        "CategoryFilter": _filter(
            "category",
            "Only subprocessors of this recipient category, by its code "
            "(`recipient_category.code`).",
        ),
        "ServiceFilter": _filter(
            "service", "Only subprocessors of this service, by its code (`services[].code`)."
        ),
        "AssumeEnded": {
            "in": "query",
            "name": "assume_ended",
            "description": "An adequacy decision, by number, treated as ended from `on` on: a "
            "what-if such as “the Data Privacy Framework falls”. Repeatable.",
            "schema": {"type": "array", "items": text()},
            "style": "form",
            "explode": True,
        },
    }


class SharedParts(BasePlugin):
    """Gives every operation the parameter, the error answers and the security every API route
    has (`registry.public.access` reads a bearer token on each), unless its docstring says
    otherwise."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            parameters = operation.setdefault("parameters", [])
            if "Lang" not in parameters:
                parameters.append("Lang")
            responses = operation.setdefault("responses", {})
            for status, name in SHARED_RESPONSES.items():
                if status not in map(str, responses):
                    responses[status] = name
            operation.setdefault("security", [{}, {"bearerToken": []}])


def api_rules(app: Flask) -> list[Rule]:
    """The rules of the API, in the order of their addresses."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]
    return sorted(rules, key=lambda rule: rule.rule)


def build(app: Flask) -> dict:
    """The document as a plain dict. Raises apispec's errors on a docstring that is not YAML."""
    spec = APISpec(
        title=f"{app.config['ORG_NAME']}: subprocessors and international transfers",
        version="1",
        openapi_version="3.1.0",
        plugins=[FlaskPlugin(), SharedParts()],
        info={
            "description": "The public register of subprocessors and their international "
            "transfers (Art. 28 and Chapter V GDPR). Answers are JSON; every error is JSON with "
            "its status and a message (an address or method not listed here is answered 404 or 405 "
            "with the same Error body). Blanks around a query parameter are ignored, and one given "
            "empty counts as not given. Verdicts on transfers are given to a logged-in user or a "
            "caller with a personal API token (`Authorization: Bearer <token>`), and to everyone "
            "when the registry publishes them."
        },
    )
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    for name, parameter in _parameters(list(app.config["LANGUAGES"])).items():
        spec.components.parameter(name, parameter.pop("in"), parameter)
    for name, response in RESPONSES.items():
        spec.components.response(name, response)
    spec.components.security_scheme(
        "bearerToken",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`flask users token EMAIL`): the answers "
            "then carry the verdicts.",
        },
    )
    for rule in api_rules(app):
        spec.path(view=app.view_functions[rule.endpoint], app=app)
    return spec.to_dict()


def document(app: Flask) -> dict:
    """The document of `app`, built on first use."""
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build(app)
    return app.extensions["openapi"]
