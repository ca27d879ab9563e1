"""Result types shared by the CLI and the HTTP API, and their one JSON form.

The per-article object is the contract of both entry points, so it is built here once:
``{"id", "topics": [{"label", "score", "evidence": [{"text", "start", "end"}]}],
"scores": {label: score}, "brief": {"text", "sentences": [...], "entities": [...]}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence of the input that supports a label; offsets index the original text."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class TopicScore:
    """A predicted label with its calibrated score and supporting sentences."""

    label: str
    score: float
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Classification:
    """Every label's score, and the predicted labels (best first) with their evidence."""

    scores: dict[str, float]
    topics: tuple[TopicScore, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "topics": [t.to_dict() for t in self.topics],
            "scores": {label: round(s, 4) for label, s in self.scores.items()},
        }


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A sentence chosen for the brief, in source order, with its selection score."""

    text: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place or date named in the article."""

    text: str
    label: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "count": self.count}


@dataclass(frozen=True, slots=True)
class Brief:
    """A short summary; ``sentences`` is empty only for abstractive briefs."""

    text: str
    sentences: tuple[BriefSentence, ...]
    entities: tuple[Entity, ...]
    backend: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "entities": [e.to_dict() for e in self.entities],
        }
