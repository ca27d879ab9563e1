"""One article in, the per-article result out: the single code path behind CLI and HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from models.article import Article, ArticleError
from models.results import Brief, Classification, Evidence

Part = Literal["topics", "brief"]
DEFAULT_MAX_SENTENCES = 3


class Classifier(Protocol):
    """What the analyzer needs of a topic classifier."""

    labels: tuple[str, ...]
    version: str

    def predict(
        self,
        texts: Sequence[str],
        titles: Sequence[str] | None = None,
        min_score: float | None = None,
    ) -> list[Classification]: ...

    def explain(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]: ...


class BriefWriter(Protocol):
    """What the analyzer needs of a summarizer."""

    backend: str

    def summarize(
        self,
        text: str,
        *,
        max_sentences: int | None = 3,
        max_words: int | None = None,
        focus: Sequence[Evidence] = (),
        title: str = "",
    ) -> Brief: ...


class NotBuiltError(RuntimeError):
    """A part of the service whose model is not available in this installation."""


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    """Caller-tunable knobs, shared by every entry point."""

    max_sentences: int | None = DEFAULT_MAX_SENTENCES
    max_words: int | None = None
    focus: tuple[str, ...] = ()
    min_score: float | None = None

    @classmethod
    def from_dict(cls, raw: Any, labels: Sequence[str] = ()) -> AnalysisOptions:
        """Validate user-supplied options; unknown keys are errors so typos are not ignored."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ArticleError("options", "must be a JSON object")
        unknown = sorted(set(raw) - {"max_sentences", "max_words", "focus", "min_score"})
        if unknown:
            raise ArticleError(f"options.{unknown[0]}", "is not a known option")
        max_sentences = _positive_int(raw, "max_sentences", DEFAULT_MAX_SENTENCES, upper=20)
        max_words = _positive_int(raw, "max_words", None, upper=1000)
        if "max_words" in raw and "max_sentences" not in raw:
            max_sentences = None
        focus = raw.get("focus", [])
        if not isinstance(focus, list) or not all(isinstance(f, str) for f in focus):
            raise ArticleError("options.focus", "must be a list of topic labels")
        unknown_labels = [f for f in focus if labels and f not in labels]
        if unknown_labels:
            raise ArticleError(
                "options.focus", f"unknown label {unknown_labels[0]!r}; known: {', '.join(labels)}"
            )
        min_score = raw.get("min_score")
        if min_score is not None and (
            isinstance(min_score, bool)
            or not isinstance(min_score, int | float)
            or not 0.0 <= min_score <= 1.0
        ):
            raise ArticleError("options.min_score", "must be a number between 0 and 1")
        return cls(max_sentences, max_words, tuple(focus), min_score)


def _positive_int(raw: dict[str, Any], name: str, default: int | None, upper: int) -> int | None:
    value = raw.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        raise ArticleError(f"options.{name}", f"must be an integer from 1 to {upper}")
    return value


class Analyzer:
    """Runs the classifier and/or summarizer over articles and builds the result objects."""

    def __init__(self, classifier: Classifier | None, summarizer: BriefWriter | None) -> None:
        self.classifier = classifier
        self.summarizer = summarizer

    @property
    def labels(self) -> tuple[str, ...]:
        return self.classifier.labels if self.classifier is not None else ()

    def _require(self, parts: Sequence[Part], options: AnalysisOptions) -> None:
        if ("topics" in parts or options.focus) and self.classifier is None:
            raise NotBuiltError(
                "the topic classifier is not built yet: run `newsbrief train` (or `make train`)"
            )
        if "brief" in parts and self.summarizer is None:
            raise NotBuiltError("the summarizer is not available in this installation")

    def run(
        self, articles: Sequence[Article], parts: Sequence[Part], options: AnalysisOptions
    ) -> list[dict[str, Any] | ArticleError]:
        """Results in input order; an article that cannot be analysed yields its error."""
        self._require(parts, options)
        results: list[dict[str, Any] | ArticleError] = [{"id": a.id} for a in articles]
        if "topics" in parts:
            assert self.classifier is not None
            predictions = self.classifier.predict(
                [a.text for a in articles], [a.title for a in articles], options.min_score
            )
            for result, prediction in zip(results, predictions, strict=True):
                assert isinstance(result, dict)
                result.update(prediction.to_dict())
        if "brief" in parts:
            for i, article in enumerate(articles):
                result = results[i]
                assert isinstance(result, dict)
                try:
                    result["brief"] = self._brief(article, options).to_dict()
                except ArticleError as error:
                    results[i] = error
        return results

    def _brief(self, article: Article, options: AnalysisOptions) -> Brief:
        assert self.summarizer is not None
        focus: list[Evidence] = []
        if options.focus:
            assert self.classifier is not None
            for spans in self.classifier.explain(article.text, options.focus).values():
                focus.extend(spans)
        return self.summarizer.summarize(
            article.text,
            max_sentences=options.max_sentences,
            max_words=options.max_words,
            focus=focus,
            title=article.title or "",
        )
