"""Prometheus metrics that stay correct under several gunicorn workers.

Each worker is its own process with its own counters. Under gunicorn, PROMETHEUS_MULTIPROC_DIR
is set (service/gunicorn_conf.py creates a fresh one per run), every worker writes its values
to files there, and /metrics merges the files of all workers, so whichever worker answers the
scrape reports the whole server. Without it (tests, a single process) the app's own registry
is reported.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Methods the API uses; anything else is counted as "other" to keep label values bounded.
METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """One set of metric objects per app, registered in the app's own registry."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "newsbrief_http_requests",
            "HTTP requests answered, by endpoint, method and status code",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "newsbrief_http_request_duration_seconds",
            "Time from request start to response, by endpoint",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.articles = Counter(
            "newsbrief_articles",
            "Articles received by the analysis endpoints, by outcome (ok or error)",
            ["endpoint", "outcome"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "newsbrief_http_requests_in_flight",
            "Requests being handled right now, summed over live workers",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.ready = Gauge(
            "newsbrief_models_ready",
            "1 when every model is loaded (the lowest value over live workers)",
            registry=self.registry,
            multiprocess_mode="livemin",
        )

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.requests.labels(endpoint, method, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def render(self) -> bytes:
        """The exposition text: all workers' merged values when running multi-process."""
        directory = os.environ.get(MULTIPROC_ENV)
        if directory:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=directory)
            return generate_latest(registry)
        return generate_latest(self.registry)
