"""The probes and the metrics, for the orchestrator and Prometheus: machine-facing JSON and
text, in English, GET only, outside the rate limits; none reads or sets a session."""

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from registry.operations.readiness import readiness

blueprint = Blueprint("operations", __name__)


@blueprint.get("/healthz")
def healthz():
    """Alive: the process answers. No I/O, so a slow database never gets a live process
    restarted."""
    return jsonify(status="alive")


@blueprint.get("/readyz")
def readyz():
    """Ready for traffic: 200, or 503 naming each check that does not hold."""
    found = readiness()
    body = {"ready": not found.not_ready, "not_ready": found.not_ready, "checks": found.checks}
    return jsonify(body), 503 if found.not_ready else 200


@blueprint.get("/metrics")
def metrics():
    """Prometheus' text format, with `Authorization: Bearer <METRICS_TOKEN>`; off (404) unless
    METRICS_ENABLED."""
    if not current_app.config["METRICS_ENABLED"]:
        abort(404)
    if not _bearer_is(current_app.config["METRICS_TOKEN"]):
        response = jsonify(error={"status": 401, "message": "Send the metrics token."})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from registry.operations.metrics import exposition

    return exposition()


def _bearer_is(token: str) -> bool:
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        sent.strip().encode("utf-8"), token.encode("utf-8")
    )
