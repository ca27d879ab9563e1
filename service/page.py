"""The analyst's page at `/`: one HTML document, its stylesheet and scripts, from the package.

The page is a client of the public JSON API (it calls /v1/analyze and /v1/topics from the
browser, with the key the person typed), so it shows exactly what callers get and holds no
analysis logic of its own. Everything it needs ships in service/static and
service/templates; the Content-Security-Policy below lets it load those files from this origin
and nothing else: no inline script or style, no other host, no frames.
"""

from __future__ import annotations

import mimetypes

from flask import Blueprint, Response, current_app, render_template
from flask.sansio.blueprints import BlueprintSetupState

from service.config import ServiceConfig

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

page = Blueprint(
    "page",
    __name__,
    static_folder="static",
    static_url_path="/static",
    template_folder="templates",
)


@page.record_once
def _javascript_type(_: BlueprintSetupState) -> None:
    """Serve .js as text/javascript (the HTML standard's type) whatever the host's mime.types
    says, so the published content type holds on every machine."""
    mimetypes.add_type("text/javascript", ".js")


@page.get("/")
def index() -> str:
    """The page, with the limits it must respect (so it can say them before a request fails)."""
    config: ServiceConfig = current_app.extensions["newsbrief.config"]
    return render_template(
        "page.html",
        max_chars=config.max_chars,
        max_batch=config.max_batch,
        max_body_bytes=config.max_body_bytes,
        keys_required=bool(config.api_keys),
    )


@page.after_request
def _lock_down(response: Response) -> Response:
    """Applied to the page and its static files alike."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
