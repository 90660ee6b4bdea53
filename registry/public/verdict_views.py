"""The engine, open to anyone: judge hypothetical transfers without storing anything, and read
the catalogue of supplementary measures the judgement uses."""

from flask import request
from flask_babel import gettext as _

from registry.errors import json_error
from registry.extensions import csrf, limiter
from registry.i18n import current_language
from registry.public import blueprint
from registry.public.verdict_requests import BadField, read_request
from registry.register.transfer_records import judged_record
from transfers.measures import USE_CASES_BY_ROLE, catalogue

MAX_BODY = 256 * 1024


@blueprint.post("/api/v1/verdicts")
@csrf.exempt  # a JSON API that changes nothing and reads no session
@limiter.limit("60 per minute")
def api_verdicts():
    """Judge hypothetical transfers; nothing is stored.
    ---
    post:
      summary: Judge hypothetical transfers
      description: >-
        The verdict on each transfer given, as the register judges its own: the country's
        status, the verdict and its reasons. At most 100 transfers and 256 KiB; 60 requests a
        minute per client.
      requestBody:
        required: true
        content:
          application/json:
            schema: VerdictsRequest
      responses:
        200:
          description: The verdicts, in the order of the transfers.
          content:
            application/json:
              schema: Verdicts
        413: PayloadTooLarge
        429: TooManyRequests
    """
    if (request.content_length or 0) > MAX_BODY:
        return json_error(413, _("The request body is larger than 256 KiB."))
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the parser gives up on deep nesting with this, not a ValueError
        return json_error(400, _("The JSON body is nested too deeply."), field="(body)")
    if body is None:
        message = _("Send a JSON object with Content-Type: application/json.")
        return json_error(400, message, field="(body)")
    try:
        day, transfers = read_request(body)
    except BadField as error:
        return json_error(400, str(error), field=error.field)
    language = current_language()
    return {
        "on": day.isoformat(),
        "verdicts": [judged_record(facts, day, language) for facts in transfers],
    }


@blueprint.get("/api/v1/measures")
def api_measures():
    """The catalogue of supplementary measures.
    ---
    get:
      summary: The supplementary measures
      description: >-
        The measures of EDPB Recommendations 01/2020 the verdicts use: each one's code, kind,
        use case and the EDPB's view of its effectiveness, and which use cases fit each
        location role.
      responses:
        200:
          description: The catalogue.
          content:
            application/json:
              schema: MeasureList
    """
    language = current_language()
    return {
        "measures": [
            {
                "code": entry.code,
                "kind": entry.kind.value,
                "use_case": entry.use_case.code if entry.use_case else None,
                "use_case_reference": entry.use_case.reference if entry.use_case else None,
                "edpb_view": entry.effectiveness.value,
                "title": entry.title(language),
                "titles": entry.titles,
            }
            for entry in catalogue().values()
        ],
        "roles": {role: sorted(use_cases) for role, use_cases in USE_CASES_BY_ROLE.items()},
    }
