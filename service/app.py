"""Flask app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    if config:
        app.config.update(config)

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    return app
