"""The one error envelope, {"error": {"code", "message", "details"}}, for every failure.

Werkzeug's own HTTP errors (404, 405, 413, ...) and unexpected exceptions are turned into the
same envelope, so a client has a single shape to parse and no response ever carries a stack
trace: the traceback goes to the log under the request id instead.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger("newsbrief.service")

# Stable machine-readable codes for werkzeug's errors; anything else falls back to "http_<n>".
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """An error the API reports on purpose; ``details`` must be JSON-serialisable."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(error: ApiError) -> Response:
    response = jsonify(envelope(error.code, error.message, error.details))
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = {
        404: "no such endpoint; see /docs for the API",
        405: "method not allowed on this endpoint",
        413: "request body too large",
    }.get(status, error.description or error.name)
    details: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        allowed = sorted(error.valid_methods)
        details["allowed"] = allowed
        headers["Allow"] = ", ".join(allowed)
    if status == 413:
        details["limit_bytes"] = current_app.config["MAX_CONTENT_LENGTH"]
    code = HTTP_CODES.get(status, f"http_{status}")
    return error_response(ApiError(status, code, message, details, headers))


def _unexpected(error: Exception) -> Response:
    request_id = g.get("request_id", "")
    log.error("unhandled error", exc_info=error, extra={"request_id": request_id})
    return error_response(
        ApiError(
            500,
            "internal_error",
            "internal error; the log has the details under this request id",
            {"request_id": request_id},
        )
    )


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
