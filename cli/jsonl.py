"""JSON Lines in, JSON Lines out, one result per input line, in order, bad lines reported.

A bad line must never cost the caller the other lines' results, so each line is parsed on its
own and a failure becomes an error object in its place (and a message on stderr).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cli.progress import Progress
from models.article import Article, ArticleError, parse_article

BATCH_SIZE = 32


class InputError(Exception):
    """The input as a whole cannot be read (missing file, not UTF-8)."""


@dataclass(frozen=True, slots=True)
class InputLine:
    """One input line: a parsed article or the reason it could not be parsed."""

    number: int
    article: Article | None
    error: ArticleError | None
    raw_id: str | None


def read_input(source: str) -> list[InputLine]:
    """Read a JSON Lines file, or a plain-text file taken as one article ('-' is stdin)."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        data = path.read_bytes()
        name = path.stem
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first.lstrip().startswith("{"):
        return [parse_record({"id": name, "text": text}, 1)]
    return [
        parse_line(line, number)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def parse_line(line: str, number: int) -> InputLine:
    """One JSON Lines line as an article, or the reason it is not one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return InputLine(number, None, ArticleError("line", f"invalid JSON: {error.msg}"), None)
    return parse_record(record, number)


def parse_record(record: Any, number: int) -> InputLine:
    raw_id = record.get("id") if isinstance(record, dict) else None
    raw_id = raw_id if isinstance(raw_id, str) else None
    try:
        return InputLine(number, parse_article(record), None, raw_id)
    except ArticleError as error:
        return InputLine(number, None, error, raw_id)


def error_object(article_id: str | None, line: int, error: ArticleError) -> dict[str, Any]:
    """The per-line error, in the same envelope the HTTP API uses."""
    return {
        "id": article_id,
        "error": {
            "code": "invalid_article",
            "message": str(error),
            "details": {"line": line, "field": error.field},
        },
    }


def _batches(lines: Sequence[InputLine]) -> Iterator[list[InputLine]]:
    for i in range(0, len(lines), BATCH_SIZE):
        yield list(lines[i : i + BATCH_SIZE])


def process(
    lines: Sequence[InputLine],
    handle: Callable[[list[Article]], list[dict[str, Any] | ArticleError]],
    out: TextIO,
    err: TextIO,
) -> int:
    """Write one JSON line per input line; return 1 if any line failed, else 0."""
    failed = False
    progress = Progress(len(lines), err)
    for batch in _batches(lines):
        good = [line for line in batch if line.article is not None]
        results = iter(handle([line.article for line in good if line.article is not None]))
        for line in batch:
            result: dict[str, Any] | ArticleError = (
                next(results) if line.article is not None else line.error  # type: ignore[assignment]
            )
            if isinstance(result, ArticleError):
                failed = True
                print(f"line {line.number}: {result}", file=err)
                result = error_object(line.raw_id, line.number, result)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
        progress.advance(len(batch))
    progress.close()
    return 1 if failed else 0
