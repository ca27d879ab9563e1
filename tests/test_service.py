"""The HTTP layer through Flask's test client: every endpoint and every error path.

The `app` fixture serves a small real classifier (tests/conftest.py) and no summarizer, which
is also how a server looks before every model is built: /v1/classify and /v1/topics work,
/v1/analyze and /v1/summarize answer 503 naming the summarizer.
"""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.analyzer import Analyzer, NotBuiltError
from models.artifact import ArtifactError
from models.classifier import TopicClassifier
from service.app import create_app
from service.config import ServiceConfig
from service.logs import JsonFormatter
from service.state import load_state

FLOOD = (
    "River levels in the valley rose overnight after three days of rain. "
    "Emergency crews evacuated two villages near the dam."
)
ELECTION = "Voters elect a new parliament on Sunday, and turnout is expected to be high."


def post(client: FlaskClient, path: str, body: Any, **kwargs: Any) -> Any:
    return client.post(path, json=body, **kwargs)


def error_of(response: Any) -> dict[str, Any]:
    """The envelope's inner object, after checking the envelope has exactly its three keys."""
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]  # type: ignore[no-any-return]


# --- health, readiness, missing models -------------------------------------------------------


def test_healthz_is_ok_without_a_summarizer(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_names_the_missing_summarizer(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "not_ready"
    assert set(error["details"]["missing"]) == {"summarizer"}
    assert "summarizer" in error["message"]


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/summarize"])
def test_endpoints_needing_the_summarizer_answer_503(client: FlaskClient, path: str) -> None:
    response = post(client, path, {"text": FLOOD})
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "not_ready"
    assert list(error["details"]["missing"]) == ["summarizer"]


def test_without_any_model_every_v1_endpoint_is_503_and_health_still_answers() -> None:
    client = create_app({"ANALYZER": Analyzer(None, None)}).test_client()
    assert client.get("/healthz").status_code == 200
    missing = error_of(client.get("/readyz"))["details"]["missing"]
    assert set(missing) == {"classifier", "summarizer"}
    for path in ("/v1/classify", "/v1/analyze", "/v1/summarize"):
        response = post(client, path, {"text": FLOOD})
        assert response.status_code == 503, path
    topics = client.get("/v1/topics")
    assert topics.status_code == 503
    assert list(error_of(topics)["details"]["missing"]) == ["classifier"]


def test_load_state_serves_the_classifier_when_only_the_summarizer_is_missing(
    monkeypatch: pytest.MonkeyPatch, small_classifier: TopicClassifier
) -> None:
    calls = []

    def fake_load(settings: Any, parts: tuple[str, ...]) -> Analyzer:
        calls.append(parts)
        if "brief" in parts:
            raise NotBuiltError("the summarizer is not built yet")
        return Analyzer(small_classifier, None)

    monkeypatch.setattr("models.loading.load_analyzer", fake_load)
    state = load_state(object())  # type: ignore[arg-type]
    assert state.analyzer.classifier is small_classifier
    assert state.missing == {"summarizer": "the summarizer is not built yet"}
    assert calls == [("topics", "brief"), ("topics",)]


def test_load_state_lets_a_rejected_artifact_stop_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summarizer = SimpleNamespace(backend="extractive")

    def fake_load(settings: Any, parts: tuple[str, ...]) -> Analyzer:
        if "topics" in parts:
            raise ArtifactError("topics-1 checksum mismatch; retrain it")
        return Analyzer(None, summarizer)  # type: ignore[arg-type]

    monkeypatch.setattr("models.loading.load_analyzer", fake_load)
    with pytest.raises(ArtifactError, match="checksum mismatch"):
        load_state(object())  # type: ignore[arg-type]


def test_app_starts_and_reports_reasons_when_nothing_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake_load(settings: Any, parts: tuple[str, ...]) -> Analyzer:
        raise NotBuiltError(f"nothing for {'+'.join(parts)}")

    monkeypatch.setattr("models.loading.load_analyzer", fake_load)
    client = create_app().test_client()
    assert client.get("/healthz").status_code == 200
    assert error_of(client.get("/readyz"))["details"]["missing"] == {
        "classifier": "nothing for topics",
        "summarizer": "nothing for brief",
    }


# --- /v1/classify and /v1/topics ---------------------------------------------------------------


def test_classify_single_article(client: FlaskClient, small_classifier: TopicClassifier) -> None:
    response = post(client, "/v1/classify", {"title": "Floods", "text": FLOOD})
    assert response.status_code == 200
    result = response.get_json()
    assert set(result) == {"id", "topics", "scores", "model"}
    assert result["id"] == response.headers["X-Request-ID"]  # no id given: the request id
    assert set(result["scores"]) == {"election", "flood", "football"}
    assert [t["label"] for t in result["topics"]] == ["flood"]
    for topic in result["topics"]:
        for span in topic["evidence"]:
            assert FLOOD[span["start"] : span["end"]] == span["text"]
    assert result["model"] == {"classifier": small_classifier.version}


def test_classify_batch_keeps_order_and_reports_a_bad_article_in_its_slot(
    client: FlaskClient,
) -> None:
    body = {
        "articles": [
            {"id": "e", "text": ELECTION},
            {"id": "blank", "text": "  \n\t "},
            {"id": "f", "title": "Rain", "text": FLOOD},
            "not an object",
        ]
    }
    response = post(client, "/v1/classify", body)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == ["e", "blank", "f", None]
    assert [t["label"] for t in results[0]["topics"]] == ["election"]
    assert [t["label"] for t in results[2]["topics"]] == ["flood"]
    assert results[1]["error"]["code"] == "invalid_article"
    assert results[1]["error"]["details"] == {"index": 1, "field": "text"}
    assert "white space" in results[1]["error"]["message"]
    assert results[3]["error"]["details"] == {"index": 3, "field": "article"}


def test_batch_slot_errors_for_missing_id_long_text_and_unknown_field(
    client: FlaskClient,
) -> None:
    body = {
        "articles": [
            {"text": FLOOD},
            {"id": "long", "text": "rain " * 2000},
            {"id": "typo", "text": FLOOD, "tilte": "x"},
            {"id": "ok", "text": FLOOD},
        ]
    }
    results = post(client, "/v1/classify", body).get_json()["results"]
    assert results[0]["error"]["details"]["field"] == "id"
    assert results[1]["error"]["details"]["field"] == "text"
    assert "limit is 5000" in results[1]["error"]["message"]
    assert results[2]["error"]["details"]["field"] == "tilte"
    assert "topics" in results[3]


def test_classify_options_min_score_lists_every_label(client: FlaskClient) -> None:
    body = {"text": FLOOD, "options": {"min_score": 0.0}}
    result = post(client, "/v1/classify", body).get_json()
    assert {t["label"] for t in result["topics"]} == {"election", "flood", "football"}


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"min_score": 2}, "options.min_score"),
        ({"min_score": True}, "options.min_score"),
        ({"max_sentences": 0}, "options.max_sentences"),
        ({"max_words": "ten"}, "options.max_words"),
        ({"focus": ["weather"]}, "options.focus"),
        ({"focus": "flood"}, "options.focus"),
        ({"colour": "red"}, "options.colour"),
        ([], "options"),
    ],
)
def test_bad_options_are_422_naming_the_field(
    client: FlaskClient, options: Any, field: str
) -> None:
    response = post(client, "/v1/classify", {"text": FLOOD, "options": options})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert error["details"]["field"] == field
    assert error["message"].startswith(field)


def test_topics_lists_labels_definitions_thresholds_and_model(
    client: FlaskClient, small_classifier: TopicClassifier
) -> None:
    response = client.get("/v1/topics")
    assert response.status_code == 200
    body = response.get_json()
    assert body["labels"] == ["election", "flood", "football"]
    assert body["definitions"]["flood"] == "water"
    assert set(body["thresholds"]) == set(body["labels"])
    assert body["model"]["version"] == small_classifier.version
    assert body["model"]["trained_at"] == small_classifier.meta["created_at"]
    assert body["model"]["metrics"] is None  # trained without a held-out split


def test_topics_reports_held_out_metrics_when_the_artifact_has_them(
    small_classifier: TopicClassifier,
) -> None:
    held_out = {"macro_f1": 0.9, "micro_f1": 0.91, "exact_match": 0.8, "n": 10, "labels": {}}
    meta = {**small_classifier.meta, "metrics": {"held_out": held_out}}
    classifier = TopicClassifier(small_classifier._model, meta)
    client = create_app({"ANALYZER": Analyzer(classifier, None)}).test_client()
    assert client.get("/v1/topics").get_json()["model"]["metrics"] == held_out


# --- request validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (None, json.dumps({"text": FLOOD})),
        ("text/plain", json.dumps({"text": FLOOD})),
        ("application/x-www-form-urlencoded", "text=hello"),
        ("application/json; charset=latin-1", json.dumps({"text": FLOOD})),
    ],
)
def test_anything_but_utf8_json_is_415(
    client: FlaskClient, content_type: str | None, data: str
) -> None:
    response = client.post("/v1/classify", data=data, content_type=content_type)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_a_json_suffix_media_type_and_a_utf8_bom_are_accepted(client: FlaskClient) -> None:
    data = b"\xef\xbb\xbf" + json.dumps({"text": FLOOD}).encode()
    response = client.post("/v1/classify", data=data, content_type="application/vnd.api+json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"{", b'{"text": "a",}', b"\xff\xfe{}", b'{"text": NaN}', b"[" * 30_000],
)
def test_malformed_json_is_400(client: FlaskClient, data: bytes) -> None:
    response = client.post("/v1/classify", data=data, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_malformed_json_reports_where(client: FlaskClient) -> None:
    response = client.post("/v1/classify", data=b'{\n "text": }', content_type="application/json")
    assert error_of(response)["details"] == {"line": 2, "column": 10, "position": 11}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ([{"text": FLOOD}], "invalid_request", "body"),
        ("just a string", "invalid_request", "body"),
        ({}, "invalid_article", "text"),
        ({"title": "only a title"}, "invalid_article", "text"),
        ({"text": 42}, "invalid_article", "text"),
        ({"text": ""}, "invalid_article", "text"),
        ({"text": " \u3000\n\t\u00a0"}, "invalid_article", "text"),
        ({"text": FLOOD, "title": ["a"]}, "invalid_article", "title"),
        ({"text": FLOOD, "id": ""}, "invalid_article", "id"),
        ({"text": FLOOD, "id": 7}, "invalid_article", "id"),
        ({"text": "x" * 5_001}, "invalid_article", "text"),
        ({"text": FLOOD, "txt": FLOOD}, "invalid_request", "txt"),
        ({"articles": [{"id": "a", "text": FLOOD}], "text": FLOOD}, "invalid_request", "text"),
        ({"articles": {"id": "a"}}, "invalid_request", "articles"),
        ({"articles": []}, "invalid_request", "articles"),
        (
            {"articles": [{"id": str(i), "text": FLOOD} for i in range(5)]},
            "invalid_request",
            "articles",
        ),
        (
            {"articles": [{"id": "a", "text": FLOOD}, {"id": "a", "text": ELECTION}]},
            "invalid_request",
            "articles[1].id",
        ),
    ],
)
def test_schema_errors_are_422_naming_the_field(
    client: FlaskClient, body: Any, code: str, field: str
) -> None:
    response = post(client, "/v1/classify", body)
    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], error["details"]["field"]) == (code, field)
    assert error["message"]


def test_batch_size_limit_is_stated(client: FlaskClient) -> None:
    body = {"articles": [{"id": str(i), "text": FLOOD} for i in range(5)]}
    error = error_of(post(client, "/v1/classify", body))
    assert error["details"]["limit"] == 4
    assert "limit is 4" in error["message"]


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    body = json.dumps({"text": "flood " * 20_000})
    response = client.post("/v1/classify", data=body, content_type="application/json")
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"limit_bytes": 64 * 1024}


def test_unpaired_surrogate_is_rejected_clearly(client: FlaskClient) -> None:
    data = b'{"text": "Flood water \\ud83c rose."}'
    response = client.post("/v1/classify", data=data, content_type="application/json")
    assert response.status_code == 422
    error = error_of(response)
    assert error["details"]["field"] == "text"
    assert "U+D83C" in error["message"] and "position 12" in error["message"]


def test_any_unicode_is_accepted_and_offsets_are_code_points(client: FlaskClient) -> None:
    text = (
        "Überschwemmung 🌊 im Tal: 洪水 وفيضان. "
        "River levels rose overnight after three days of rain; "
        "crews evacuated villages e\u0301.\x00"
    )
    response = post(client, "/v1/classify", {"text": text, "title": "🌧️", "id": "ünï-1"})
    assert response.status_code == 200
    result = response.get_json()
    assert result["id"] == "ünï-1"
    assert [t["label"] for t in result["topics"]] == ["flood"]
    for span in result["topics"][0]["evidence"]:
        assert text[span["start"] : span["end"]] == span["text"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300))
def test_arbitrary_text_never_fails_the_server(client: FlaskClient, text: str) -> None:
    response = post(client, "/v1/classify", {"text": text})
    assert response.status_code in {200, 422}
    if response.status_code == 422:
        assert error_of(response)["details"]["field"] == "text"
        assert not text.strip()
    else:
        for topic in response.get_json()["topics"]:
            for span in topic["evidence"]:
                assert text[span["start"] : span["end"]] == span["text"]


# --- routing errors, 500, request ids, logs ---------------------------------------------------


def test_unknown_path_is_404_envelope(client: FlaskClient) -> None:
    response = client.get("/v2/analyze")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405_envelope_with_allow(client: FlaskClient) -> None:
    response = client.get("/v1/analyze")
    assert response.status_code == 405
    error = error_of(response)
    assert error["code"] == "method_not_allowed"
    assert "POST" in error["details"]["allowed"]
    assert "POST" in response.headers["Allow"]


class ExplodingClassifier:
    """A classifier whose prediction fails unexpectedly, with a secret in its traceback."""

    labels = ("a",)
    version = "boom"

    def predict(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail /srv/models/x.joblib")

    def explain(self, *args: Any) -> Any:
        raise AssertionError("not reached")


def test_unexpected_failure_is_500_envelope_without_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = create_app({"ANALYZER": Analyzer(ExplodingClassifier(), None)}).test_client()  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="newsbrief.service"):
        response = post(client, "/v1/classify", {"text": FLOOD}, headers={"X-Request-ID": "r-500"})
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert error["details"] == {"request_id": "r-500"}
    raw = response.get_data(as_text=True)
    assert "secret" not in raw and "Traceback" not in raw and "joblib" not in raw
    [record] = [r for r in caplog.records if r.name == "newsbrief.service"]
    assert record.exc_info is not None and record.request_id == "r-500"


@pytest.mark.parametrize(
    ("given_id", "echoed"),
    [
        ("abc-123", True),
        ("0f8e2b1c-5d4a-4e0b-9a7e-1f2e3d4c5b6a", True),
        ("trace:span.1_x", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("has space", False),
        ("-leading-dash", False),
        ("tab\tinside", False),
        ("<script>", False),
    ],
)
def test_request_id_is_echoed_only_when_sane(
    client: FlaskClient, given_id: str, echoed: bool
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given_id})
    returned = response.headers["X-Request-ID"]
    if echoed:
        assert returned == given_id
    else:
        assert returned != given_id and len(returned) == 32


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("GET", "/v1/analyze"), ("POST", "/v1/classify"), ("GET", "/readyz")],
)
def test_every_response_carries_a_request_id(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, data="x")
    assert response.status_code >= 400
    assert len(response.headers["X-Request-ID"]) == 32


def test_one_structured_log_line_per_request(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"articles": [{"id": "a", "text": FLOOD}, {"id": "b", "text": ELECTION}]}
    with caplog.at_level(logging.INFO, logger="newsbrief.access"):
        post(client, "/v1/classify", body, headers={"X-Request-ID": "log-1"})
        client.get("/missing")
    records = [r for r in caplog.records if r.name == "newsbrief.access"]
    assert len(records) == 2
    line = json.loads(JsonFormatter().format(records[0]))
    assert {k: line[k] for k in ("method", "path", "status", "request_id", "articles")} == {
        "method": "POST",
        "path": "/v1/classify",
        "status": 200,
        "request_id": "log-1",
        "articles": 2,
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["message"] == "request"
    assert json.loads(JsonFormatter().format(records[1]))["status"] == 404


def test_json_log_lines_carry_tracebacks_as_one_field() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: bad" in json.loads(line)["exc"]


# --- API keys --------------------------------------------------------------------------------


@pytest.fixture
def keyed(small_classifier: TopicClassifier) -> FlaskClient:
    config = ServiceConfig(api_keys=("first-key", "second-key"))
    return create_app(
        {"ANALYZER": Analyzer(small_classifier, None), "SERVICE": config}
    ).test_client()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic Zmlyc3Qta2V5"},
        {"Authorization": "Bearer "},
        {"X-API-Key": "first-key-but-longer"},
        {"X-API-Key": "FIRST-KEY"},
    ],
)
def test_v1_needs_a_valid_key_when_keys_are_set(
    keyed: FlaskClient, headers: dict[str, str]
) -> None:
    for response in (
        post(keyed, "/v1/classify", {"text": FLOOD}, headers=headers),
        keyed.get("/v1/topics", headers=headers),
        post(keyed, "/v1/analyze", {"text": FLOOD}, headers=headers),
    ):
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer first-key"},
        {"Authorization": "bearer second-key"},
        {"X-API-Key": "second-key"},
    ],
)
def test_a_valid_key_in_either_header_is_accepted(
    keyed: FlaskClient, headers: dict[str, str]
) -> None:
    assert post(keyed, "/v1/classify", {"text": FLOOD}, headers=headers).status_code == 200
    assert keyed.get("/v1/topics", headers=headers).status_code == 200


def test_auth_is_checked_before_the_body_is_read(keyed: FlaskClient) -> None:
    response = keyed.post("/v1/classify", data=b"{", content_type="text/plain")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"])
def test_health_metrics_and_docs_stay_open(keyed: FlaskClient, path: str) -> None:
    assert keyed.get(path).status_code in {200, 503}  # /readyz: no summarizer here
    assert keyed.get(path).status_code != 401


def test_keys_are_compared_with_compare_digest_against_every_key(
    keyed: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hmac

    compared = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr("service.auth.hmac.compare_digest", spy)
    response = post(keyed, "/v1/classify", {"text": FLOOD}, headers={"X-API-Key": "first-key"})
    assert response.status_code == 200
    assert compared == [b"first-key", b"second-key"]  # no early exit on the first match


def test_without_keys_v1_is_open(client: FlaskClient) -> None:
    assert post(client, "/v1/classify", {"text": FLOOD}).status_code == 200


# --- metrics ---------------------------------------------------------------------------------


def test_metrics_count_requests_latency_and_articles(client: FlaskClient) -> None:
    post(client, "/v1/classify", {"text": FLOOD})
    post(
        client, "/v1/classify", {"articles": [{"id": "a", "text": FLOOD}, {"id": "b", "text": ""}]}
    )
    post(client, "/v1/classify", {"text": ""})
    client.get("/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    assert (
        'newsbrief_http_requests_total{endpoint="/v1/classify",method="POST",status="200"} 2.0'
        in text
    )
    assert (
        'newsbrief_http_requests_total{endpoint="/v1/classify",method="POST",status="422"} 1.0'
        in text
    )
    assert (
        'newsbrief_http_requests_total{endpoint="unmatched",method="GET",status="404"} 1.0' in text
    )
    assert 'newsbrief_articles_total{endpoint="/v1/classify",outcome="ok"} 2.0' in text
    assert 'newsbrief_articles_total{endpoint="/v1/classify",outcome="error"} 1.0' in text
    assert 'newsbrief_http_request_duration_seconds_count{endpoint="/v1/classify"} 3.0' in text
    assert "newsbrief_models_ready 0.0" in text  # no summarizer in this app


def test_apps_do_not_share_metrics(app: Flask, small_classifier: TopicClassifier) -> None:
    app.test_client().get("/healthz")
    other = create_app({"ANALYZER": Analyzer(small_classifier, None)}).test_client()
    text = other.get("/metrics").get_data(as_text=True)
    assert 'endpoint="/healthz"' not in text
