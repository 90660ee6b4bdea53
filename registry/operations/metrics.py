"""Prometheus metrics (`/metrics`, with METRICS_ENABLED): the request latency each web process
measures, and the register's and outbox's state, read from the database at each scrape.

Under gunicorn each worker process writes its measurements to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode; gunicorn.conf.py sets it up and
marks the files of dead workers); a scrape of any worker sums them all. Without that variable
(`flask run`) the process's own measurements are given. This module is imported only when the
metrics are on: prometheus_client reads PROMETHEUS_MULTIPROC_DIR as it is imported.
"""

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from registry import clock
from registry.chain import records as chain_records
from registry.operations import heartbeat
from registry.outbox import reports
from registry.register.transfer_records import Judgement, verdict_counts

# Registered in no registry of its own: a scrape adds it (one process) or reads every
# process's files (multiprocess mode).
REQUEST_SECONDS = Histogram(
    "registry_request_duration_seconds",
    "Time to answer a request, by the endpoint that answered it (not the raw path).",
    ["endpoint", "method"],
    registry=None,
)


def measure_requests(app: Flask) -> None:
    """Time every request of `app` into REQUEST_SECONDS."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request(_observe)


def exposition() -> Response:
    """Every metric, in Prometheus' text format."""
    scrape = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(REQUEST_SECONDS)
    scrape.register(RegisterCollector())
    return Response(generate_latest(scrape), content_type=CONTENT_TYPE_LATEST)


class RegisterCollector:
    """Gauges read at scrape time from the read models the admin's pages use."""

    def collect(self):
        now = clock.now()
        pending = GaugeMetricFamily(
            "registry_outbox_queued_messages",
            "Messages waiting in the outbox to be delivered (due or retrying later).",
            labels=["channel"],
        )
        oldest = GaugeMetricFamily(
            "registry_outbox_oldest_queued_age_seconds",
            "How long the oldest message waiting in the outbox has waited.",
            labels=["channel"],
        )
        failed = GaugeMetricFamily(
            "registry_outbox_failed_messages",
            "Messages the outbox gave up on (the admin's notice pages can send them again).",
            labels=["channel"],
        )
        for channel in reports.backlog():
            pending.add_metric([channel.channel], channel.queued)
            waited = now - channel.oldest_queued_at if channel.oldest_queued_at else None
            oldest.add_metric([channel.channel], waited.total_seconds() if waited else 0)
            failed.add_metric([channel.channel], channel.failed)
        yield from (pending, oldest, failed)
        yield self._transfers()
        yield self._heartbeat()

    def _transfers(self) -> GaugeMetricFamily:
        transfers = GaugeMetricFamily(
            "registry_transfers",
            "Transfers of the register and down its chain, by today's verdict "
            "(needs_attention and no_valid_ground are the team's to act on).",
            labels=["verdict"],
        )
        listed = chain_records.transfers_with_onward(Judgement(clock.today()), "en")
        for verdict, count in verdict_counts(listed).items():
            transfers.add_metric([verdict], count)
        return transfers

    def _heartbeat(self) -> GaugeMetricFamily:
        age = heartbeat.newest_age()
        gauge = GaugeMetricFamily(
            "registry_worker_heartbeat_age_seconds",
            "How long ago the newest worker heartbeat was recorded (absent: none yet).",
        )
        if age is not None:
            gauge.add_metric([], age.total_seconds())
        return gauge


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        REQUEST_SECONDS.labels(request.endpoint or "unmatched", request.method).observe(
            time.perf_counter() - started
        )
    return response
