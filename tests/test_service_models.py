"""The HTTP API over the real models, loaded once per session: the trained artifact from
`make artifacts`, the packaged encoder and spaCy model (tests/conftest.py `full_analyzer`).
How a worker loads them (models.loading) is exercised by tests/test_gunicorn_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from models.analyzer import Analyzer
from service.app import create_app

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NOISE_ONLY = (
    "Photo: Soldiers at a checkpoint near the border / AFP\n"
    "Read more: What the latest talks mean for the region\n"
    "6240551870001 1f0c2a9e-5b7d-4e61-9a3c-2d8e7f401b6a"
)


def seed(index: int) -> tuple[str, list[str]]:
    lines = [json.loads(line) for line in (SEEDS / "labels.jsonl").read_text().splitlines()]
    entry = lines[index]
    return (SEEDS / entry["file"]).read_text(encoding="utf-8"), entry["labels"]


@pytest.fixture(scope="module")
def served(full_analyzer: Analyzer) -> FlaskClient:
    return create_app({"ANALYZER": full_analyzer}).test_client()


def assert_brief_is_faithful(brief: dict[str, Any], text: str) -> None:
    assert brief["sentences"]
    for sentence in brief["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    starts = [s["start"] for s in brief["sentences"]]
    assert starts == sorted(starts)
    for entity in brief["entities"]:
        assert set(entity) == {"text", "label", "count"}


def test_ready_with_both_models(served: FlaskClient, full_analyzer: Analyzer) -> None:
    response = served.get("/readyz")
    assert response.status_code == 200
    assert full_analyzer.classifier is not None and full_analyzer.summarizer is not None
    assert response.get_json() == {
        "status": "ready",
        "model": {
            "classifier": full_analyzer.classifier.version,
            "summarizer": full_analyzer.summarizer.backend,
        },
    }


def test_analyze_a_seed_article(served: FlaskClient) -> None:
    text, gold = seed(3)
    response = served.post(
        "/v1/analyze", json={"id": "seed-3", "text": text, "options": {"max_sentences": 2}}
    )
    assert response.status_code == 200
    result = response.get_json()
    assert set(result) == {"id", "topics", "scores", "brief", "model"}
    assert result["id"] == "seed-3"
    assert sorted(t["label"] for t in result["topics"]) == sorted(gold)
    assert len(result["scores"]) == 4
    assert len(result["brief"]["sentences"]) <= 2
    assert_brief_is_faithful(result["brief"], text)


def test_a_noise_only_article_fails_alone_in_a_batch(served: FlaskClient) -> None:
    text, _ = seed(4)
    body = {"articles": [{"id": "noise", "text": NOISE_ONLY}, {"id": "seed-4", "text": text}]}
    response = served.post("/v1/analyze", json=body)
    assert response.status_code == 200
    noise, good = response.get_json()["results"]
    assert noise["id"] == "noise"
    assert noise["error"]["code"] == "invalid_article"
    assert noise["error"]["details"] == {"index": 0, "field": "text"}
    assert good["id"] == "seed-4" and "brief" in good and "topics" in good


def test_a_noise_only_single_article_is_422(served: FlaskClient) -> None:
    for path in ("/v1/analyze", "/v1/summarize"):
        response = served.post(path, json={"text": NOISE_ONLY})
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert (error["code"], error["details"]) == ("invalid_article", {"field": "text"})


def test_summarize_alone_with_a_word_budget_and_focus(served: FlaskClient) -> None:
    text, _ = seed(0)
    options = {"max_words": 60, "focus": ["sanctions"]}
    response = served.post("/v1/summarize", json={"text": text, "options": options})
    assert response.status_code == 200
    result = response.get_json()
    assert set(result) == {"id", "brief", "model"}
    assert set(result["model"]) == {"summarizer"}
    assert_brief_is_faithful(result["brief"], text)


def test_topics_reports_the_trained_model(served: FlaskClient, full_analyzer: Analyzer) -> None:
    body = served.get("/v1/topics").get_json()
    assert body["labels"] == [
        "air_defense_procurement",
        "joint_patrols",
        "safe_zone",
        "sanctions",
    ]
    assert all(body["definitions"][label] for label in body["labels"])
    assert full_analyzer.classifier is not None
    assert body["model"]["version"] == full_analyzer.classifier.version
    assert set(body["model"]["metrics"]["labels"]) == set(body["labels"])
    assert 0.0 <= body["model"]["metrics"]["macro_f1"] <= 1.0
