"""service.client over real HTTP on loopback: the app under werkzeug's server, and tiny stub
servers for the failure modes (503 then success, 500, a slow answer, a non-JSON error)."""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from models.analyzer import Analyzer
from models.classifier import TopicClassifier
from service.app import create_app
from service.client import NewsbriefClient, NewsbriefError
from service.config import ServiceConfig

FLOOD = "River levels rose overnight after three days of rain. Crews evacuated two villages."


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextlib.contextmanager
def stub(handle: Callable[[int], tuple[int, str, bytes, float]]) -> Iterator[tuple[str, list[str]]]:
    """A server answering request n (from 0) with handle(n) = (status, type, body, delay)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            status, content_type, body, delay = handle(len(seen))
            seen.append(f"{self.command} {self.path}")
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def envelope(code: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": code, "details": {}}}).encode()


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


def test_classify_single_and_batch(base_url: str) -> None:
    client = NewsbriefClient(base_url, timeout=10)
    result = client.classify(FLOOD, title="Rain")
    assert [t["label"] for t in result["topics"]] == ["flood"]
    results = client.classify_batch(
        [{"id": "a", "text": FLOOD}, {"id": "b", "text": " "}], min_score=0.0
    )
    assert [r["id"] for r in results] == ["a", "b"]
    assert len(results[0]["topics"]) == 3  # min_score 0 lists every label
    assert results[1]["error"]["code"] == "invalid_article"


def test_topics_and_health(base_url: str) -> None:
    client = NewsbriefClient(base_url)
    assert client.health() == {"status": "ok"}
    assert client.topics()["labels"] == ["election", "flood", "football"]


def test_api_errors_carry_status_code_message_and_details(base_url: str) -> None:
    client = NewsbriefClient(base_url, retries=0)
    with pytest.raises(NewsbriefError) as caught:
        client.classify("   ")
    error = caught.value
    assert (error.status, error.code, error.details) == (422, "invalid_article", {"field": "text"})
    assert "white space" in error.message
    with pytest.raises(NewsbriefError) as caught:
        client.classify(FLOOD, max_sentences=0)
    assert caught.value.details["field"] == "options.max_sentences"


def test_not_ready_is_reported_after_the_allowed_retries(base_url: str) -> None:
    client = NewsbriefClient(base_url, retries=1, backoff=0.01)
    with pytest.raises(NewsbriefError) as caught:
        client.analyze(FLOOD)
    assert (caught.value.status, caught.value.code) == (503, "not_ready")
    assert "summarizer" in caught.value.details["missing"]
    with pytest.raises(NewsbriefError, match="not_ready"):
        client.ready()


def test_api_key_is_sent_as_bearer(small_classifier: TopicClassifier) -> None:
    app = create_app(
        {
            "ANALYZER": Analyzer(small_classifier, None),
            "SERVICE": ServiceConfig(api_keys=("s3cret",)),
        }
    )
    with serving(app) as url:
        with pytest.raises(NewsbriefError) as caught:
            NewsbriefClient(url, retries=0).topics()
        assert (caught.value.status, caught.value.code) == (401, "unauthorized")
        assert NewsbriefClient(url, api_key="s3cret").topics()["labels"]


def test_503_then_success_is_retried() -> None:
    def handle(n: int) -> tuple[int, str, bytes, float]:
        if n < 2:
            return 503, "application/json", envelope("not_ready"), 0
        return 200, "application/json", b'{"status": "ok"}', 0

    with stub(handle) as (url, seen):
        assert NewsbriefClient(url, retries=2, backoff=0.01).health() == {"status": "ok"}
    assert len(seen) == 3


@pytest.mark.parametrize(("status", "code"), [(500, "internal_error"), (422, "invalid_request")])
def test_500_and_4xx_are_not_retried(status: int, code: str) -> None:
    answer = (status, "application/json", envelope(code), 0.0)
    with stub(lambda n: answer) as (url, seen), pytest.raises(NewsbriefError) as caught:
        NewsbriefClient(url, retries=3, backoff=0.01).classify(FLOOD)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert seen == ["POST /v1/classify"]


def test_a_read_timeout_is_raised_and_not_retried() -> None:
    with stub(lambda n: (200, "application/json", b"{}", 1.5)) as (url, seen):
        started = time.monotonic()
        with pytest.raises(NewsbriefError) as caught:
            NewsbriefClient(url, timeout=0.3, retries=3, backoff=0.01).classify(FLOOD)
        assert time.monotonic() - started < 1.4
    assert (caught.value.status, caught.value.code) == (None, "timeout")
    assert len(seen) == 1


def test_an_unreachable_server_is_retried_then_reported() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(NewsbriefError) as caught:
        NewsbriefClient(f"http://127.0.0.1:{port}", retries=2, backoff=0.1).health()
    assert (caught.value.status, caught.value.code) == (None, "unreachable")
    assert time.monotonic() - started >= 0.3  # two backoffs: 0.1 + 0.2


def test_a_non_json_error_body_is_still_a_clear_error() -> None:
    answer = (502, "text/html", b"<h1>Bad Gateway</h1>", 0.0)
    with stub(lambda n: answer) as (url, seen), pytest.raises(NewsbriefError) as caught:
        NewsbriefClient(url, retries=1, backoff=0.01).topics()
    assert (caught.value.status, caught.value.code) == (502, "http_502")
    assert "Bad Gateway" in caught.value.message
    assert len(seen) == 2  # 502 is retried once


def test_a_non_json_success_body_is_an_error() -> None:
    answer = (200, "text/plain", b"hello", 0.0)
    with stub(lambda n: answer) as (url, _), pytest.raises(NewsbriefError) as caught:
        NewsbriefClient(url).health()
    assert caught.value.code == "bad_response"
