"""What an operator runs the registry with: the probes (`/healthz`, `/readyz`), the worker's
heartbeat they read, JSON logs with request ids (`logs`) and Prometheus metrics (`metrics`)."""

from flask import Flask

from registry.extensions import limiter
from registry.operations.logs import register_logging


def register_operations(app: Flask) -> None:
    """The logs, the probes' routes and, when METRICS_ENABLED, the request timing."""
    from registry.operations.views import blueprint

    register_logging(app)
    limiter.exempt(blueprint)
    app.register_blueprint(blueprint)
    if app.config["METRICS_ENABLED"]:
        from registry.operations.metrics import measure_requests

        measure_requests(app)
