"""The endpoints. Analysis logic lives in models.analyzer; this module only adapts HTTP to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from models.analyzer import AnalysisOptions, Part
from models.article import Article, ArticleError
from service.config import ServiceConfig
from service.docs import render_docs
from service.errors import ApiError, envelope
from service.inputs import parse_analysis_request, read_json
from service.metrics import Metrics
from service.openapi import spec
from service.state import COMPONENTS, ModelState

api = Blueprint("api", __name__)


def _state() -> ModelState:
    return current_app.extensions["newsbrief.state"]  # type: ignore[no-any-return]


def _config() -> ServiceConfig:
    return current_app.extensions["newsbrief.config"]  # type: ignore[no-any-return]


def not_ready(missing: dict[str, str]) -> ApiError:
    reasons = "; ".join(f"{name}: {reason}" for name, reason in missing.items())
    return ApiError(
        503, "not_ready", f"not available in this server: {reasons}", {"missing": missing}
    )


@api.get("/healthz")
def healthz() -> Any:
    """Alive: the process answers. Says nothing about the models (that is /readyz)."""
    return {"status": "ok"}


@api.get("/readyz")
def readyz() -> Any:
    state = _state()
    if not state.ready:
        raise not_ready(state.missing)
    return {"status": "ready", "model": state.model_info()}


@api.get("/metrics")
def metrics() -> Response:
    collector: Metrics = current_app.extensions["newsbrief.metrics"]
    return Response(collector.render(), content_type=collector.content_type)


@api.get("/openapi.json")
def openapi() -> Any:
    return jsonify(spec(_config()))


@api.get("/docs")
def docs() -> Response:
    response = Response(
        render_docs(spec(_config()), request.host_url), content_type="text/html; charset=utf-8"
    )
    # The page is self-contained; forbid it from loading anything at all.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@api.post("/v1/analyze")
def analyze() -> Any:
    return _analysis(("topics", "brief"))


@api.post("/v1/classify")
def classify() -> Any:
    return _analysis(("topics",))


@api.post("/v1/summarize")
def summarize() -> Any:
    return _analysis(("brief",))


@api.get("/v1/topics")
def topics() -> Any:
    state = _state()
    classifier = state.analyzer.classifier
    if classifier is None:
        raise not_ready(state.unavailable(("topics",), AnalysisOptions()))
    meta: dict[str, Any] = getattr(classifier, "meta", {})
    return {
        "labels": list(classifier.labels),
        "definitions": dict(getattr(classifier, "definitions", {})),
        "thresholds": dict(getattr(classifier, "thresholds", {})),
        "model": {
            "version": classifier.version,
            "trained_at": meta.get("created_at"),
            "metrics": meta.get("metrics", {}).get("held_out"),
        },
    }


def _analysis(parts: Sequence[Part]) -> Any:
    state = _state()
    missing = state.unavailable(parts, AnalysisOptions())
    if missing:
        raise not_ready(missing)
    config = _config()
    parsed = parse_analysis_request(
        read_json(request),
        labels=state.analyzer.labels,
        max_chars=config.max_chars,
        max_batch=config.max_batch,
        default_id=g.request_id,
    )
    g.articles = len(parsed.slots)
    missing = state.unavailable(parts, parsed.options)
    if missing:
        raise not_ready(missing)
    outputs: list[dict[str, Any] | ArticleError] = []
    if parsed.articles:
        with state.lock:
            outputs = state.analyzer.run(parsed.articles, parts, parsed.options)
    model = {k: v for k, v in state.model_info().items() if k in {COMPONENTS[p] for p in parts}}
    produced = iter(outputs)
    results: list[dict[str, Any]] = []
    failures: list[ArticleError] = []
    for index, (slot, raw_id) in enumerate(zip(parsed.slots, parsed.raw_ids, strict=True)):
        outcome = next(produced) if isinstance(slot, Article) else slot
        if isinstance(outcome, ArticleError):
            failures.append(outcome)
            details = {"index": index, "field": outcome.field}
            results.append({"id": raw_id, **envelope("invalid_article", str(outcome), details)})
        else:
            results.append({**outcome, "model": model})
    _count_articles(len(results) - len(failures), len(failures))
    if parsed.batch:
        return {"results": results}
    if failures:  # the one article could not be analysed (e.g. nothing but boilerplate)
        error = failures[0]
        raise ApiError(422, "invalid_article", str(error), {"field": error.field})
    return results[0]


def _count_articles(ok: int, failed: int) -> None:
    collector: Metrics = current_app.extensions["newsbrief.metrics"]
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    if ok:
        collector.articles.labels(endpoint, "ok").inc(ok)
    if failed:
        collector.articles.labels(endpoint, "error").inc(failed)
