"""The multi-label topic classifier as served: calibrated scores, thresholds, evidence.

Label names, thresholds and definitions all come from the artifact, so a model retrained on
another taxonomy works unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.artifact import ArtifactError, load_verified, resolve_artifact
from models.encoder import SentenceEncoder
from models.features import EMBEDDING_DESIGNS, document_text
from models.margins import margins, stage_one
from models.results import Classification, Evidence, TopicScore
from models.text import Segment, sentences

# Evidence sentences per predicted label.
MAX_EVIDENCE = 3
# Further evidence sentences must score at least this share of the best one's margin.
EVIDENCE_RELATIVE = 0.5
# Sentences scored for evidence: bounds the cost on very long articles.
MAX_EVIDENCE_SENTENCES = 400


def calibrate(decision: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Platt scaling per label: sigmoid(a * decision + b), fitted on out-of-fold scores."""
    z = decision * calibration[:, 0] + calibration[:, 1]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


class TopicClassifier:
    """Loaded once per process; `predict` is read-only and safe to call from several threads
    as long as the encoder (if any) is."""

    def __init__(
        self, model: dict[str, Any], meta: dict[str, Any], encoder: SentenceEncoder | None = None
    ) -> None:
        self._model = model
        self.meta = meta
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        if tuple(model["labels"]) != self.labels:
            raise ArtifactError("artifact labels differ between model.joblib and meta.json")
        self.thresholds: dict[str, float] = {k: float(v) for k, v in meta["thresholds"].items()}
        self.definitions: dict[str, str] = dict(meta.get("definitions", {}))
        self.version: str = str(meta.get("version", "unversioned"))
        self.design: str = model["design"]
        self.needs_encoder = self.design in EMBEDDING_DESIGNS
        if self.needs_encoder and encoder is None:
            raise ArtifactError(f"design {self.design!r} needs a sentence encoder")
        self._encoder = encoder if self.needs_encoder else None
        self._threshold_vector = np.array([self.thresholds[label] for label in self.labels])

    @classmethod
    def from_artifact(cls, path: Path, encoder: SentenceEncoder | None = None) -> TopicClassifier:
        """Load a verified artifact directory (see models.artifact for what is checked)."""
        model, meta = load_verified(Path(path))
        return cls(model, meta, encoder)

    @classmethod
    def from_models_dir(
        cls, models_dir: Path, name: str, encoder: SentenceEncoder | None = None
    ) -> TopicClassifier:
        return cls.from_artifact(resolve_artifact(models_dir, name), encoder)

    def score(self, docs: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (len(docs), len(labels)), for cleaned documents."""
        if not docs:
            return np.zeros((0, len(self.labels)))
        return calibrate(margins(self._model, docs, self._encoder), self._model["calibration"])

    def predict(
        self,
        texts: Sequence[str],
        titles: Sequence[str] | None = None,
        min_score: float | None = None,
    ) -> list[Classification]:
        """Every label's score; labels over their threshold (or ``min_score``) with evidence."""
        titles = titles if titles is not None else [""] * len(texts)
        probabilities = self.score(
            [document_text(t, h) for t, h in zip(texts, titles, strict=True)]
        )
        results = []
        for text, row in zip(texts, probabilities, strict=True):
            cut = (
                np.full(len(self.labels), min_score)
                if min_score is not None
                else self._threshold_vector
            )
            chosen = [i for i in np.argsort(-row) if row[i] >= cut[i]]
            evidence = self._evidence(text, [self.labels[i] for i in chosen])
            topics = tuple(
                TopicScore(self.labels[i], float(row[i]), evidence[self.labels[i]]) for i in chosen
            )
            scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            results.append(Classification(scores, topics))
        return results

    def explain(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        """Supporting sentences for any labels, predicted or not (used to focus briefs)."""
        unknown = [label for label in labels if label not in self.labels]
        if unknown:
            raise ValueError(f"unknown labels: {unknown}")
        return self._evidence(text, list(labels))

    def _evidence(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        """Rank the article's sentences by the model's margin for each label, scored alone."""
        if not labels:
            return {}
        spans: list[Segment] = sentences(text)[:MAX_EVIDENCE_SENTENCES]
        if not spans:
            return {label: () for label in labels}
        decision = stage_one(self._model, [document_text(s.text) for s in spans], self._encoder)
        out: dict[str, tuple[Evidence, ...]] = {}
        for label in labels:
            column = decision[:, self.labels.index(label)]
            order = np.argsort(-column)
            best = column[order[0]]
            floor = column.min()
            picked = [order[0]] + [
                i
                for i in order[1:MAX_EVIDENCE]
                if column[i] > 0 or (column[i] - floor) >= EVIDENCE_RELATIVE * (best - floor)
            ]
            picked = sorted(int(i) for i in picked[:MAX_EVIDENCE])
            out[label] = tuple(
                Evidence(spans[i].text, spans[i].start, spans[i].end) for i in picked
            )
        return out
