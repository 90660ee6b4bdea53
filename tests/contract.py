"""Holding every API answer of the suite to the OpenAPI document (`/api/v1/openapi.json`).

`ContractClient`, the suite's test client, checks each answer to an address under `/api/v1/`
with openapi-core: the answer must be one the document describes for that operation and status,
its body valid against the schema; a request the registry accepted (2xx) must be valid as the
document describes it, so the document never forbids what works. A refusal of a deliberately
bad request is held to the documented error answer. An address the document does not describe
may only be refused, with the Error schema.
"""

import json
from functools import cache
from io import BytesIO

from flask import Flask
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS31Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.test import TestResponse

from registry.openapi.document import API_PREFIX, UNDOCUMENTED_METHODS, document


class ContractRequest:
    """A request as openapi-core reads it, from what the test client sent."""

    def __init__(self, response: TestResponse, body: bytes) -> None:
        request = response.request
        self.host_url = request.host_url
        self.path = request.path
        self.method = request.method.lower()
        self.body = body
        self.content_type = request.content_type or "application/octet-stream"
        # The registry ignores blanks around a parameter and reads one left empty as not given,
        # as the document says; OpenAPI has no way to say so but the deprecated allowEmptyValue.
        given = [
            (name, value.strip()) for name, value in request.args.items(multi=True) if value.strip()
        ]
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(given),
            header=Headers(request.headers),
            cookie=request.cookies,
        )


class ContractResponse:
    def __init__(self, response: TestResponse) -> None:
        self.data = response.get_data()
        self.status_code = response.status_code
        self.content_type = response.mimetype
        self.headers = Headers(response.headers)


@cache
def _contract(text: str) -> tuple[OpenAPI, OAS31Validator]:
    """The document read once per run of the suite (each test has its own app, one document)."""
    contract = json.loads(text)
    error = {**contract["components"]["schemas"]["Error"], "components": contract["components"]}
    # JSON under another name: the register file's JSON Schema is `application/schema+json`.
    config = Config(extra_media_type_deserializers={"application/schema+json": json.loads})
    return OpenAPI.from_dict(contract, config=config), OAS31Validator(error)


def contract_of(app: Flask) -> tuple[OpenAPI, OAS31Validator]:
    return _contract(json.dumps(document(app), sort_keys=True))


def contract_problems(app: Flask, response: TestResponse, body: bytes) -> list[str]:
    """What in this exchange with the API breaks the document; nothing outside `/api/v1/`."""
    request = response.request
    if not request.path.startswith(API_PREFIX) or request.method in UNDOCUMENTED_METHODS:
        return []
    openapi, error_schema = contract_of(app)
    exchange = f"{request.method} {request.full_path.rstrip('?')} answered {response.status_code}"
    contract_request = ContractRequest(response, body)
    try:
        openapi.validate_response(contract_request, ContractResponse(response))
    except (PathNotFound, OperationNotFound):
        return _undescribed_problems(exchange, response, error_schema)
    except Exception as error:  # openapi-core's errors say what did not match
        return [f"{exchange}, not as documented: {_details(error)}"]
    if response.status_code < 300:
        try:
            openapi.validate_request(contract_request)
        except Exception as error:
            return [f"{exchange} to a request the document refuses: {_details(error)}"]
    return []


def _undescribed_problems(exchange: str, response: TestResponse, error_schema) -> list[str]:
    if not 400 <= response.status_code < 500:
        return [f"{exchange}: an operation the document does not describe"]
    body = response.json if response.is_json else None
    return [f"{exchange}: {error.message}" for error in error_schema.iter_errors(body)]


def _details(error: Exception) -> str:
    found = [str(error)]
    cause = error.__cause__
    while cause is not None:
        found.append(str(cause))
        found += [str(inner.message) for inner in getattr(cause, "schema_errors", ())]
        cause = cause.__cause__
    return " / ".join(found)[:2000]


class ContractClient(FlaskClient):
    """The test client, holding every answer under `/api/v1/` to the OpenAPI document."""

    def run_wsgi_app(self, environ, buffered=False):
        # The app reads the body from the stream; keep a copy for the request's validation.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.sent_body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = BytesIO(self.sent_body)
        return super().run_wsgi_app(environ, buffered=buffered)

    def open(self, *args, **kwargs) -> TestResponse:
        response = super().open(*args, **kwargs)
        problems = contract_problems(self.application, response, getattr(self, "sent_body", b""))
        assert not problems, "\n".join(problems)
        return response
