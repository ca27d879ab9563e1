"""The learned brief selector as served: a scikit-learn model scoring candidate sentences.

Trained by `newsbrief train` (training/brief_train.py) on sentences labelled by the oracle
extract against reference briefs; the artifact (`models/artifacts/brief-<version>/`) holds the
fitted TF-IDF vocabulary, the estimator, the feature families it reads, the candidate window
and the redundancy trade-off used when decoding, and is verified like the classifier's
(models/artifact.py) before anything is unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.artifact import ArtifactError, load_verified
from models.brief_features import ENCODER_FAMILIES, Candidates, features

# meta.json keys a brief artifact must have (besides checksum and library versions).
BRIEF_KEYS = ("families", "window", "mmr_lambda")
# The parts model.joblib holds.
MODEL_KEYS = ("families", "vectorizer", "estimator", "window", "mmr_lambda")


class BriefSelector:
    """Scores an article's candidate sentences (probability of being in the oracle extract)
    and says how alike they are (TF-IDF cosine, for redundancy control). Read-only after
    loading, so safe to share between threads."""

    def __init__(self, model: dict[str, Any], meta: dict[str, Any] | None = None) -> None:
        missing = [key for key in MODEL_KEYS if key not in model]
        if missing:
            raise ArtifactError(f"brief model lacks {missing}; retrain it with `newsbrief train`")
        self.families: tuple[str, ...] = tuple(model["families"])
        self.vectorizer = model["vectorizer"]
        self.estimator = model["estimator"]
        self.window = int(model["window"])
        self.mmr_lambda = float(model["mmr_lambda"])
        self.meta = meta or {}
        self.version = str(self.meta.get("version", "unversioned"))
        self.needs_encoder = bool(ENCODER_FAMILIES & set(self.families))

    @classmethod
    def from_artifact(cls, path: Path) -> BriefSelector:
        model, meta = load_verified(Path(path), BRIEF_KEYS)
        return cls(model, meta)

    def score(self, candidates: Candidates) -> tuple[np.ndarray, np.ndarray]:
        """Per-sentence scores in [0, 1] and the sentences' pairwise similarity matrix."""
        matrix, rows = features(self.vectorizer, candidates, self.families)
        scores = self.estimator.predict_proba(matrix)[:, 1]
        similarity = (rows @ rows.T).toarray()
        return np.asarray(scores, dtype=np.float64), np.asarray(similarity, dtype=np.float64)


def selector_model(
    families: Sequence[str], vectorizer: Any, estimator: Any, window: int, mmr_lambda: float
) -> dict[str, Any]:
    """The dictionary model.joblib holds (what BriefSelector reads)."""
    return {
        "families": tuple(families),
        "vectorizer": vectorizer,
        "estimator": estimator,
        "window": window,
        "mmr_lambda": mmr_lambda,
    }
