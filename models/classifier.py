"""The multi-label topic classifier as served: calibrated scores, thresholds, evidence.

Label names, thresholds and definitions all come from the artifact, so a model retrained on
another taxonomy works unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.artifact import ArtifactError, load_verified
from models.encoder import SentenceEncoder
from models.features import EMBEDDING_DESIGNS, Parts, article_parts
from models.margins import margins
from models.results import Classification, Evidence, TopicScore

# Evidence sentences per predicted label.
MAX_EVIDENCE = 3
# Further evidence sentences must score at least this share of the best one's margin.
EVIDENCE_RELATIVE = 0.5


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
        self._cut = np.array([self.thresholds[label] for label in self.labels])

    @classmethod
    def from_artifact(cls, path: Path, encoder: SentenceEncoder | None = None) -> TopicClassifier:
        """Load a verified artifact directory (see models.artifact for what is checked)."""
        model, meta = load_verified(Path(path))
        return cls(model, meta, encoder)

    def score(self, parts: Sequence[Parts]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Calibrated probabilities (articles x labels) and each article's sentence margins."""
        if not parts:
            return np.zeros((0, len(self.labels))), []
        scored = margins(
            self._model, [p.doc for p in parts], [p.units for p in parts], self._encoder
        )
        return calibrate(scored.documents, self._model["calibration"]), scored.units

    def predict(
        self,
        texts: Sequence[str],
        titles: Sequence[str] | None = None,
        min_score: float | None = None,
    ) -> list[Classification]:
        """Every label's score; labels over their threshold (or ``min_score``) with evidence."""
        titles = titles if titles is not None else [""] * len(texts)
        parts = [article_parts(t, h) for t, h in zip(texts, titles, strict=True)]
        probabilities, unit_margins = self.score(parts)
        cut = np.full(len(self.labels), min_score) if min_score is not None else self._cut
        results = []
        for part, row, units in zip(parts, probabilities, unit_margins, strict=True):
            chosen = [int(i) for i in np.argsort(-row) if row[i] >= cut[i]]
            topics = tuple(
                TopicScore(self.labels[i], float(row[i]), self._evidence(part, units, i))
                for i in chosen
            )
            scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            results.append(Classification(scores, topics))
        return results

    def explain(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        """Supporting sentences for any labels, predicted or not (used to focus briefs)."""
        unknown = [label for label in labels if label not in self.labels]
        if unknown:
            raise ValueError(f"unknown labels: {unknown}")
        part = article_parts(text)
        _, [units] = self.score([part])
        return {label: self._evidence(part, units, self.labels.index(label)) for label in labels}

    @staticmethod
    def _evidence(part: Parts, unit_margins: np.ndarray, label: int) -> tuple[Evidence, ...]:
        """The sentences with the largest margins for one label, in source order."""
        if not part.spans:
            return ()
        column = unit_margins[:, label]
        order = np.argsort(-column)
        best, floor = column[order[0]], column.min()
        picked = [order[0]] + [
            i
            for i in order[1:MAX_EVIDENCE]
            if column[i] > 0 or (column[i] - floor) >= EVIDENCE_RELATIVE * (best - floor)
        ]
        spans = [part.spans[int(i)] for i in sorted(picked)]
        return tuple(Evidence(s.text, s.start, s.end) for s in spans)
