"""A small client for the newsbrief HTTP API, standard library only.

    from service.client import NewsbriefClient
    client = NewsbriefClient("http://127.0.0.1:8000", api_key=None)
    result = client.analyze("Washington imposed sanctions on ...", title="...")
    results = client.analyze_batch([{"id": "a1", "text": "..."}], max_sentences=2)

Every failure is a NewsbriefError carrying the API's status, code, message and details.

Retries: every endpoint is a pure function of its input, so repeating a request cannot change
anything on the server. Still, only failures where a repeat can help are retried: a connection
that could not be made or was dropped before any response, and 502/503/504 from a proxy or a
server that is still loading. A read timeout is not retried (the server is busy with exactly
this request; sending it again doubles the load), nor is any 4xx or a 500.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

RETRY_STATUSES = frozenset({502, 503, 504})


class NewsbriefError(Exception):
    """An API error (status and the envelope's code) or a transport failure (status None)."""

    def __init__(
        self, status: int | None, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status or 'no response'} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class NewsbriefClient:
    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def analyze(self, text: str, title: str | None = None, **options: Any) -> dict[str, Any]:
        """Topics and a brief for one article; ``options`` as in the API (max_sentences, ...)."""
        return self._single("/v1/analyze", text, title, options)

    def classify(self, text: str, title: str | None = None, **options: Any) -> dict[str, Any]:
        return self._single("/v1/classify", text, title, options)

    def summarize(self, text: str, title: str | None = None, **options: Any) -> dict[str, Any]:
        return self._single("/v1/summarize", text, title, options)

    def analyze_batch(
        self, articles: Iterable[Mapping[str, Any]], **options: Any
    ) -> list[dict[str, Any]]:
        """Results in input order; a failed article is {"id", "error": {...}} in its slot."""
        return self._batch("/v1/analyze", articles, options)

    def classify_batch(
        self, articles: Iterable[Mapping[str, Any]], **options: Any
    ) -> list[dict[str, Any]]:
        return self._batch("/v1/classify", articles, options)

    def summarize_batch(
        self, articles: Iterable[Mapping[str, Any]], **options: Any
    ) -> list[dict[str, Any]]:
        return self._batch("/v1/summarize", articles, options)

    def topics(self) -> dict[str, Any]:
        return self.request("GET", "/v1/topics")

    def health(self) -> dict[str, Any]:
        return self.request("GET", "/healthz")

    def ready(self) -> dict[str, Any]:
        """The readiness report; raises NewsbriefError (503 not_ready) naming what is missing."""
        return self.request("GET", "/readyz", retry=False)

    def _single(
        self, path: str, text: str, title: str | None, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if title is not None:
            body["title"] = title
        if options:
            body["options"] = dict(options)
        return self.request("POST", path, body)

    def _batch(
        self, path: str, articles: Iterable[Mapping[str, Any]], options: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"articles": [dict(a) for a in articles]}
        if options:
            body["options"] = dict(options)
        results: list[dict[str, Any]] = self.request("POST", path, body)["results"]
        return results

    def request(
        self, method: str, path: str, body: Any = None, *, retry: bool = True
    ) -> dict[str, Any]:
        """Send one request (retrying as the module docstring says); the decoded JSON back."""
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            try:
                return self._send(method, path, body)
            except NewsbriefError as error:
                if attempt + 1 >= attempts or not _retryable(error):
                    raise
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    def _send(self, method: str, path: str, body: Any) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.base_url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return _decode(response.status, response.read())
        except urllib.error.HTTPError as error:
            with error:
                raise _api_error(error.code, error.read()) from None
        except TimeoutError as error:
            raise NewsbriefError(None, "timeout", f"no answer within {self.timeout} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise NewsbriefError(
                    None, "timeout", f"no connection within {self.timeout} s"
                ) from error
            raise NewsbriefError(None, "unreachable", str(error.reason)) from error
        except (ConnectionError, http.client.HTTPException) as error:
            message = str(error) or type(error).__name__
            raise NewsbriefError(None, "connection_lost", message) from error


def _retryable(error: NewsbriefError) -> bool:
    if error.status is None:
        return error.code in {"unreachable", "connection_lost"}
    return error.status in RETRY_STATUSES


def _decode(status: int, raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NewsbriefError(status, "bad_response", "the server did not answer JSON") from None
    if not isinstance(value, dict):
        raise NewsbriefError(status, "bad_response", "the server did not answer a JSON object")
    return value


def _api_error(status: int, raw: bytes) -> NewsbriefError:
    try:
        error = json.loads(raw.decode("utf-8"))["error"]
        return NewsbriefError(status, error["code"], error["message"], error.get("details"))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()[:200]
        return NewsbriefError(status, f"http_{status}", text or "no error body")
