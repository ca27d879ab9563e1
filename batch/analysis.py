"""Rows of a shard in, one result object per row out: the CLI's objects, from the same code.

Parsing is the CLI's (``cli.jsonl.parse_line``), analysis is ``models.Analyzer.run`` and a
bad row gets the CLI's error object (``cli.jsonl.error_object``) with ``details.source`` added,
so a back-fill's rows read exactly like ``newsbrief analyze`` output. Whatever goes wrong with
one row, including an unexpected exception in the models, stays in that row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from batch.sources import SourceRow
from cli.jsonl import BATCH_SIZE, InputLine, error_object, parse_line
from models.analyzer import AnalysisOptions, Analyzer, Part
from models.article import ArticleError
from models.settings import ModelSettings

PARTS: tuple[Part, ...] = ("topics", "brief")
log = logging.getLogger(__name__)


class AnalysisFailure(ArticleError):
    """The models raised on a valid article: a bug, reported in its row as internal_error."""


def model_versions(analyzer: Analyzer) -> dict[str, str]:
    """What made a result: the classifier artifact's version and the summarizer backend."""
    assert analyzer.classifier is not None and analyzer.summarizer is not None
    return {"classifier": analyzer.classifier.version, "summarizer": analyzer.summarizer.backend}


def load_models(torch_threads: int | None) -> Analyzer:
    """The analyzer a worker holds for the whole run, loaded once."""
    from models.loading import load_analyzer

    settings = ModelSettings.from_env()
    if settings.torch_threads is None and torch_threads is not None:
        settings = replace(settings, torch_threads=torch_threads)
    return load_analyzer(settings, PARTS)


def _row_error(
    row: SourceRow, source: str, code: str, message: str, field: str, raw_id: str | None
) -> dict[str, Any]:
    result = error_object(raw_id, row.line, ArticleError(field, message))
    result["error"]["code"] = code
    result["error"]["details"]["source"] = source
    return result


def _input_error(row: SourceRow, source: str, parsed: InputLine | None) -> dict[str, Any] | None:
    """The error object for a row that is not analysed, or None for one that is."""
    if row.text is None:
        return _row_error(row, source, "invalid_article", row.problem or "", "line", None)
    assert parsed is not None
    if parsed.error is not None:
        result = error_object(parsed.raw_id, row.line, parsed.error)
        result["error"]["details"]["source"] = source
        return result
    if row.duplicate_of is not None:
        result = _row_error(
            row,
            source,
            "duplicate_id",
            f"the same id was first seen at {row.duplicate_of}; only that row is analysed",
            "id",
            parsed.raw_id,
        )
        result["error"]["details"]["first"] = row.duplicate_of
        return result
    return None


def analyze_rows(
    analyzer: Analyzer,
    options: AnalysisOptions,
    source: str,
    rows: Sequence[SourceRow],
    versions: dict[str, str],
    progress: Callable[[int], None] = lambda n: None,
) -> list[dict[str, Any]]:
    """One result object per row, in row order, each stamped with the model versions;
    ``progress`` hears how many rows each step finished."""
    results: list[dict[str, Any] | None] = []
    pending: list[tuple[int, InputLine]] = []
    for row in rows:
        parsed = parse_line(row.text, row.line) if row.text is not None else None
        error = _input_error(row, source, parsed)
        if error is None:
            assert parsed is not None
            pending.append((len(results), parsed))
        results.append(error)
    progress(len(results) - len(pending))
    for i in range(0, len(pending), BATCH_SIZE):
        group = pending[i : i + BATCH_SIZE]
        for (index, line), outcome in zip(group, _run(analyzer, options, group), strict=True):
            results[index] = _analysis_error(line, source, outcome)
        progress(len(group))
    out = []
    for result in results:
        assert result is not None
        result["model"] = versions
        out.append(result)
    return out


def _analysis_error(
    line: InputLine, source: str, outcome: dict[str, Any] | ArticleError
) -> dict[str, Any]:
    """The result, or the error object for an article the models rejected or failed on."""
    if not isinstance(outcome, ArticleError):
        return outcome
    result = error_object(line.raw_id, line.number, outcome)
    result["error"]["details"]["source"] = source
    if isinstance(outcome, AnalysisFailure):
        result["error"]["code"] = "internal_error"
    return result


def _run(
    analyzer: Analyzer, options: AnalysisOptions, group: Sequence[tuple[int, InputLine]]
) -> list[dict[str, Any] | ArticleError]:
    """Analyse a group; if it raises, each article alone, so only the one that fails fails."""
    articles = [line.article for _, line in group if line.article is not None]
    try:
        return analyzer.run(articles, PARTS, options)
    except Exception:
        if len(articles) > 1:
            return [r for _, line in group for r in _run(analyzer, options, [(0, line)])]
        log.exception("article %r could not be analysed", articles[0].id)
        return [AnalysisFailure("text", "could not be analysed (internal error; see the log)")]
