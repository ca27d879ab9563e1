"""End to end: real gunicorn, started with the Docker image's command, over real loopback HTTP.

One server (two workers, API keys on, tests/live_server.py) serves the whole module. Each
worker loads its models through models.loading, as in production; the models directory holds
only the small TF-IDF classifier and a synthetic brief selector, so the run does not depend on
`make artifacts` (the summarizer uses the packaged spaCy model).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import Server, gunicorn
from tests.summarizer_fakes import write_lead_selector

pytestmark = pytest.mark.slow

KEY = "e2e-secret-key"
FLOOD = "River levels rose overnight after three days of rain. Crews evacuated two villages."
ELECTION = "Voters elect a new parliament on Sunday, and turnout is expected to be high."


def call(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, dict[str, str], Any]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(server.url + path, data, all_headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, got_headers, payload = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, got_headers, payload = error.code, dict(error.headers), error.read()
    is_json = got_headers.get("Content-Type", "").startswith("application/json")
    return status, got_headers, json.loads(payload) if is_json else payload.decode()


AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def server(small_artifact: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    models_dir = tmp_path_factory.mktemp("e2e-models")
    shutil.copytree(small_artifact, models_dir / small_artifact.name)
    write_lead_selector(models_dir / "brief-test")
    settings = {
        "NEWSBRIEF_MODELS_DIR": str(models_dir),
        "NEWSBRIEF_CLASSIFIER": "weather",
        "NEWSBRIEF_API_KEYS": f"other-key,{KEY}",
        "NEWSBRIEF_MAX_BODY_BYTES": "20000",
        "NEWSBRIEF_MAX_BATCH": "3",
    }
    log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    with gunicorn(settings, workers=2, log_path=log_path) as running:
        yield running


def test_health_answers_with_request_ids(server: Server) -> None:
    status, headers, body = call(server, "GET", "/healthz", headers={"X-Request-ID": "e2e-1"})
    assert (status, body, headers["X-Request-ID"]) == (200, {"status": "ok"}, "e2e-1")
    status, headers, _ = call(server, "GET", "/healthz")
    assert len(headers["X-Request-ID"]) == 32


def test_single_article_with_a_bearer_key(server: Server) -> None:
    status, _, result = call(server, "POST", "/v1/classify", {"text": FLOOD, "id": "s1"}, AUTH)
    assert status == 200
    assert result["id"] == "s1"
    assert [t["label"] for t in result["topics"]] == ["flood"]
    evidence = result["topics"][0]["evidence"][0]
    assert FLOOD[evidence["start"] : evidence["end"]] == evidence["text"]


def test_batch_with_an_x_api_key(server: Server) -> None:
    body = {
        "articles": [
            {"id": "e", "text": ELECTION},
            {"id": "bad", "text": ""},
            {"id": "f", "text": FLOOD},
        ]
    }
    status, _, payload = call(server, "POST", "/v1/classify", body, {"X-API-Key": KEY})
    assert status == 200
    results = payload["results"]
    assert [r["id"] for r in results] == ["e", "bad", "f"]
    assert [t["label"] for t in results[0]["topics"]] == ["election"]
    assert results[1]["error"]["details"] == {"index": 1, "field": "text"}


def test_keys_are_enforced_on_v1_only(server: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}):
        status, got, body = call(server, "POST", "/v1/classify", {"text": FLOOD}, headers)
        assert status == 401 and body["error"]["code"] == "unauthorized"
        assert got["WWW-Authenticate"].startswith("Bearer")
    assert call(server, "GET", "/metrics")[0] == 200
    assert call(server, "GET", "/openapi.json")[0] == 200


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b'{"text": ', "application/json", 400, "invalid_json"),
        (b"text=hello", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"text": "   "}', "application/json", 422, "invalid_article"),
        (b'{"articles": [1, 2, 3, 4]}', "application/json", 422, "invalid_request"),
        (
            json.dumps({"text": "rain " * 5000}).encode(),
            "application/json",
            413,
            "payload_too_large",
        ),
    ],
)
def test_bad_input_gets_the_envelope(
    server: Server, raw: bytes, content_type: str, status: int, code: str
) -> None:
    headers = {**AUTH, "Content-Type": content_type}
    got_status, _, body = call(server, "POST", "/v1/classify", headers=headers, raw=raw)
    assert (got_status, body["error"]["code"]) == (status, code)


def test_ready_and_analyze_single_and_batch(server: Server) -> None:
    status, _, ready = call(server, "GET", "/readyz")
    assert status == 200 and set(ready["model"]) == {"classifier", "summarizer"}
    status, _, body = call(server, "POST", "/v1/analyze", {"text": FLOOD, "id": "a"}, AUTH)
    assert status == 200
    assert [t["label"] for t in body["topics"]] == ["flood"]
    assert body["brief"]["sentences"]
    for sentence in body["brief"]["sentences"]:
        assert FLOOD[sentence["start"] : sentence["end"]] == sentence["text"]
    noise = "Photo: Soldiers at a checkpoint near the border / AFP\nRead more: Patrols resume"
    batch = {"articles": [{"id": "n", "text": noise}, {"id": "e", "text": ELECTION}]}
    status, _, body = call(server, "POST", "/v1/analyze", batch, AUTH)
    assert status == 200
    first, second = body["results"]
    assert first["error"]["details"] == {"index": 0, "field": "text"}
    assert second["id"] == "e" and second["brief"]["text"]


def metric(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_add_up_over_both_workers(server: Server) -> None:
    series = ("newsbrief_http_requests_total", 'endpoint="/v1/topics",method="GET",status="200"')
    before = metric(call(server, "GET", "/metrics")[2], *series)
    sent: list[str] = []

    def topics(request_id: str) -> int:
        return call(server, "GET", "/v1/topics", headers={**AUTH, "X-Request-ID": request_id})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        for round_ in range(20):  # concurrent rounds until both workers have answered (bounded)
            ids = [f"topics-{round_}-{n}" for n in range(6)]
            assert list(pool.map(topics, ids)) == [200] * 6
            sent += ids
            pids = {line["pid"] for line in server.log_lines() if line.get("request_id") in sent}
            if len(pids) == 2:
                break
    assert len(pids) == 2, "one worker answered every request"
    after = metric(call(server, "GET", "/metrics")[2], *series)
    assert after - before == len(sent)


def metrics_dir(server: Server) -> Path:
    [directory] = [
        line["message"].removeprefix("metrics directory ")
        for line in server.log_lines()
        if line["message"].startswith("metrics directory ")
    ]
    return Path(directory)


def test_a_killed_worker_is_replaced_marked_dead_and_its_counts_kept(server: Server) -> None:
    series = ("newsbrief_http_requests_total", 'endpoint="/v1/topics",method="GET",status="200"')
    before = metric(call(server, "GET", "/metrics")[2], *series)
    boots = [line for line in server.log_lines() if "Booting worker" in line["message"]]
    victim = boots[-1]["pid"]
    live_gauge = metrics_dir(server) / f"gauge_livesum_{victim}.db"
    assert live_gauge.exists()
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while live_gauge.exists() or len(
        [line for line in server.log_lines() if "Booting worker" in line["message"]]
    ) == len(boots):
        assert time.monotonic() < deadline, "the dead worker was not marked dead and replaced"
        time.sleep(0.2)
    assert (metrics_dir(server) / f"counter_{victim}.db").exists()
    for _ in range(6):
        assert call(server, "GET", "/healthz")[0] == 200
    assert metric(call(server, "GET", "/metrics")[2], *series) == before  # nothing lost


def test_every_log_line_is_json_with_one_line_per_request(server: Server) -> None:
    call(server, "GET", "/nowhere", headers={"X-Request-ID": "log-check"})
    time.sleep(0.2)
    lines = server.log_lines()  # json.loads of every line: a non-JSON line fails here
    [entry] = [line for line in lines if line.get("request_id") == "log-check"]
    assert {k: entry[k] for k in ("method", "path", "status", "articles")} == {
        "method": "GET",
        "path": "/nowhere",
        "status": 404,
        "articles": 0,
    }
    assert entry["duration_ms"] >= 0
    batch = [line for line in lines if line.get("path") == "/v1/classify" and line.get("articles")]
    assert max(line["articles"] for line in batch) == 3


def test_stop_is_graceful_and_removes_the_metrics_dir(server: Server) -> None:
    directory = metrics_dir(server)
    assert directory.is_dir()
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 10  # well inside the 30 s graceful timeout
    assert not directory.exists()
