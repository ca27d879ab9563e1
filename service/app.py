"""Flask app factory: configuration, models (once per worker), request hooks, routes.

Nothing is loaded at import time: gunicorn imports service.wsgi in each worker after the fork,
and that calls `create_app()` there, so every worker loads its own models exactly once.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, request

from models.settings import ModelSettings
from service import auth, errors
from service.artifact_check import check_artifacts
from service.config import ServiceConfig
from service.metrics import Metrics
from service.page import page
from service.routes import api
from service.state import ModelState, load_state

access_log = logging.getLogger("newsbrief.access")

# A caller's X-Request-ID is echoed only if it is short and plain (safe in logs and headers).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    ``config`` may hold ``SERVICE`` (a ServiceConfig), ``MODELS`` (a ModelSettings) or
    ``ANALYZER`` (a ready models.analyzer.Analyzer, so tests need not reload models); both
    settings default to the environment. Other keys go into ``app.config`` as they are.
    Raises models.artifact.ArtifactError when the classifier or brief-selector artifact is
    built but fails verification; a model that is not built only makes the app not ready.
    """
    config = dict(config or {})
    service_config: ServiceConfig = config.pop("SERVICE", None) or ServiceConfig.from_env()
    model_settings: ModelSettings = config.pop("MODELS", None) or ModelSettings.from_env()
    analyzer = config.pop("ANALYZER", None)

    app = Flask(__name__, static_folder=None)
    app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = service_config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep result fields in spec order
    app.extensions["newsbrief.config"] = service_config
    if analyzer is not None:
        state = ModelState.of(analyzer)
    else:
        check_artifacts(model_settings)  # a broken artifact stops the start
        state = load_state(model_settings)
    app.extensions["newsbrief.state"] = state
    metrics = Metrics()
    metrics.ready.set(1 if state.ready else 0)
    app.extensions["newsbrief.metrics"] = metrics

    errors.register(app)
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(api)
    app.register_blueprint(page)
    return app


def _start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.articles = 0
    metrics: Metrics = _extension("newsbrief.metrics")
    metrics.in_flight.inc()
    g.in_flight = True
    config: ServiceConfig = _extension("newsbrief.config")
    auth.check(request, config.api_keys)


def _finish(response: Response) -> Response:
    started = g.get("started", time.perf_counter())
    seconds = time.perf_counter() - started
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    metrics: Metrics = _extension("newsbrief.metrics")
    metrics.observe(endpoint, request.method, response.status_code, seconds)
    if g.pop("in_flight", False):
        metrics.in_flight.dec()
    access_log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "request_id": request_id,
            "articles": g.get("articles", 0),
        },
    )
    return response


def _extension(name: str) -> Any:
    return current_app.extensions[name]
