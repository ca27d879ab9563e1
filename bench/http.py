"""Throughput and tail latency over HTTP against real gunicorn on loopback."""

from __future__ import annotations

import json
from typing import Any

from bench.articles import article_of
from bench.loadgen import run_load
from bench.server import rss_mib, running_server, worker_pids

CONCURRENCY = (1, 8, 32)
ENDPOINTS = ("/v1/classify", "/v1/analyze")


def http_bench(workers: int, seconds: float) -> dict[str, Any]:
    """requests/s and p50/p95/p99 per endpoint and concurrency; RSS per worker after load."""
    body = json.dumps({"text": article_of(800)}).encode()
    out: dict[str, Any] = {"workers": workers, "seconds_per_point": seconds, "article_words": 800}
    with running_server(workers) as (port, master):
        run_load("127.0.0.1", port, "/v1/analyze", body, 2, 3.0)  # warm every worker
        for endpoint in ENDPOINTS:
            out[endpoint] = [
                run_load("127.0.0.1", port, endpoint, body, c, seconds).summary()
                for c in CONCURRENCY
            ]
        out["rss_mib_per_worker"] = [round(rss_mib(pid), 1) for pid in worker_pids(master)]
        out["rss_mib_master"] = round(rss_mib(master), 1)
    return out
