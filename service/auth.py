"""Optional API keys for /v1/*: `Authorization: Bearer <key>` or `X-API-Key: <key>`.

Keys are compared with hmac.compare_digest against every configured key (no early exit), so
the response time does not reveal how much of a guess matched or which key it resembled.
"""

from __future__ import annotations

import hmac

from flask import Request

from service.errors import ApiError

PROTECTED_PREFIX = "/v1/"


def presented_key(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    key = request.headers.get("X-API-Key", "").strip()
    return key or None


def key_matches(candidate: str, keys: tuple[str, ...]) -> bool:
    given = candidate.encode("utf-8", "surrogateescape")
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key.encode("utf-8"))
    return matched


def check(request: Request, keys: tuple[str, ...]) -> None:
    """Raise 401 for a /v1/ request without a valid key; everything else stays open."""
    if not keys or not request.path.startswith(PROTECTED_PREFIX):
        return
    candidate = presented_key(request)
    if candidate is None:
        message = "an API key is required: send Authorization: Bearer <key> or X-API-Key"
    elif key_matches(candidate, keys):
        return
    else:
        message = "the API key is not valid"
    raise ApiError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="newsbrief"'}
    )
