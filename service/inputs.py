"""Request bodies in: JSON only, UTF-8, one article or a batch, validated against the limits.

Request-level problems (not JSON, wrong shape, bad options, too many articles) fail the whole
request. In a batch, a problem with one article becomes that article's error in its slot, so a
caller never loses the other articles' results to one bad record (the CLI does the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import Request

from models.analyzer import AnalysisOptions
from models.article import Article, ArticleError, parse_article
from service.errors import ApiError

SINGLE_FIELDS = frozenset({"id", "title", "text", "options"})
BATCH_FIELDS = frozenset({"articles", "options"})
ARTICLE_FIELDS = frozenset({"id", "title", "text"})


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """Articles in input order, each parsed or the reason it could not be; shared options."""

    batch: bool
    slots: tuple[Article | ArticleError, ...]
    raw_ids: tuple[str | None, ...]
    options: AnalysisOptions

    @property
    def articles(self) -> list[Article]:
        return [slot for slot in self.slots if isinstance(slot, Article)]


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def read_json(request: Request) -> Any:
    """The decoded body; 415 unless it is declared JSON, 400 unless it is valid UTF-8 JSON."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
            {"content_type": request.content_type or None},
        )
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"JSON must be UTF-8, not {charset}",
            {"charset": charset},
        )
    raw = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApiError(
            400, "invalid_json", "the body is not UTF-8 text", {"position": error.start}
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ApiError(
            400,
            "invalid_json",
            f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}",
            {"line": error.lineno, "column": error.colno, "position": error.pos},
        ) from None
    except ValueError as error:  # NaN / Infinity
        raise ApiError(400, "invalid_json", f"malformed JSON: {error}") from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "malformed JSON: nested too deeply") from None


def invalid_request(field: str, message: str, **details: Any) -> ApiError:
    return ApiError(422, "invalid_request", f"{field}: {message}", {"field": field, **details})


def _check_unicode(article: Article) -> None:
    """Reject unpaired surrogates (JSON can spell them, Unicode text cannot contain them)."""
    for name in ("id", "title", "text"):
        value: str = getattr(article, name)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ArticleError(
                name,
                f"contains an unpaired surrogate (U+{ord(value[error.start]):04X}) at position "
                f"{error.start}; it is not valid Unicode text",
            ) from None


def _article(record: Any, default_id: str | None, max_chars: int) -> Article:
    if isinstance(record, dict):
        unknown = sorted(set(record) - ARTICLE_FIELDS)
        if unknown:
            raise ArticleError(unknown[0], "is not a known field (id, title, text)")
    article = parse_article(record, default_id=default_id, max_chars=max_chars)
    _check_unicode(article)
    return article


def parse_analysis_request(
    body: Any, *, labels: tuple[str, ...], max_chars: int, max_batch: int, default_id: str
) -> AnalysisRequest:
    """Validate a body of either shape: {"text", ...} or {"articles": [...]}, plus "options"."""
    if not isinstance(body, dict):
        raise invalid_request("body", f"must be a JSON object, got {_json_type(body)}")
    batch = "articles" in body
    allowed = BATCH_FIELDS if batch else SINGLE_FIELDS
    unknown = sorted(set(body) - allowed)
    if unknown:
        hint = " (a batch takes only articles and options)" if batch else ""
        raise invalid_request(unknown[0], f"is not a known field{hint}")
    try:
        options = AnalysisOptions.from_dict(body.get("options"), labels)
    except ArticleError as error:
        raise invalid_request(error.field, error.message) from None
    if not batch:
        try:
            record = {k: v for k, v in body.items() if k != "options"}
            article = _article(record, default_id, max_chars)
        except ArticleError as error:
            raise ApiError(
                422, "invalid_article", f"{error.field}: {error.message}", {"field": error.field}
            ) from None
        return AnalysisRequest(False, (article,), (article.id,), options)
    records = body["articles"]
    if not isinstance(records, list):
        raise invalid_request("articles", f"must be a list, got {_json_type(records)}")
    if not records:
        raise invalid_request("articles", "must not be empty")
    if len(records) > max_batch:
        raise invalid_request(
            "articles", f"has {len(records)} articles; the limit is {max_batch}", limit=max_batch
        )
    slots: list[Article | ArticleError] = []
    raw_ids: list[str | None] = []
    for record in records:
        raw_id = record.get("id") if isinstance(record, dict) else None
        raw_ids.append(raw_id if isinstance(raw_id, str) else None)
        try:
            slots.append(_article(record, None, max_chars))
        except ArticleError as error:
            slots.append(error)
    _reject_duplicate_ids(slots)
    return AnalysisRequest(True, tuple(slots), tuple(raw_ids), options)


def _reject_duplicate_ids(slots: list[Article | ArticleError]) -> None:
    """Batch callers match results by id, so two articles may not share one."""
    seen: dict[str, int] = {}
    for index, slot in enumerate(slots):
        if isinstance(slot, Article):
            if slot.id in seen:
                raise invalid_request(
                    f"articles[{index}].id",
                    f"{slot.id!r} is also the id of articles[{seen[slot.id]}]",
                )
            seen[slot.id] = index


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
