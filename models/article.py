"""The one input schema every entry point accepts: an article with an id, a title and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ArticleError(ValueError):
    """An input record that is not a valid article; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Article:
    """One article to analyse. ``labels`` is only present in labelled (evaluation) data."""

    id: str
    text: str
    title: str = ""
    labels: tuple[str, ...] | None = field(default=None)


def _optional_str(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArticleError(name, f"must be a string, got {type(value).__name__}")
    return value


def parse_article(
    record: Any, *, default_id: str | None = None, max_chars: int | None = None
) -> Article:
    """Validate a decoded JSON value as an article.

    ``default_id`` is used when the record carries no id (single-article HTTP requests);
    without it a missing id is an error, because batch callers match results by id.
    """
    if not isinstance(record, dict):
        raise ArticleError("article", f"must be a JSON object, got {type(record).__name__}")
    raw_id = record.get("id", default_id)
    if raw_id is None:
        raise ArticleError("id", "is required")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise ArticleError("id", "must be a non-empty string")
    if "text" not in record:
        raise ArticleError("text", "is required")
    text = record["text"]
    if not isinstance(text, str):
        raise ArticleError("text", f"must be a string, got {type(text).__name__}")
    if not text.strip():
        raise ArticleError("text", "is empty or only white space")
    if max_chars is not None and len(text) > max_chars:
        raise ArticleError("text", f"is {len(text)} characters long; the limit is {max_chars}")
    labels = record.get("labels")
    if labels is not None and (
        not isinstance(labels, list) or not all(isinstance(x, str) for x in labels)
    ):
        raise ArticleError("labels", "must be a list of strings")
    return Article(
        id=raw_id,
        text=text,
        title=_optional_str(record, "title"),
        labels=tuple(labels) if labels is not None else None,
    )
