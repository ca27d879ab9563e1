"""Per-label linear margins of a fitted model: the one scoring path for training and serving.

A model dict is ``{"design", "labels", "estimator", ...}``. The "tfidf+sentences" design adds
``"pooling"``: per label, weights over (document margin, best sentence margin, mean of the two
best sentence margins) plus a bias. Pooling lets one strong sentence carry a topic that a long
article reports only briefly, which a whole-document bag of words dilutes; the weights are
learned, so a passing clause in a long article still counts for little.

Documents and their sentences are featurised in one call, and the sentence margins serve both
pooling and evidence, so an article is read once per prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.encoder import SentenceEncoder
from models.features import featurize

POOLED_FEATURES = 3


@dataclass(frozen=True, slots=True)
class Margins:
    """Final per-document margins, and the underlying model's margins for each sentence."""

    documents: np.ndarray
    units: list[np.ndarray]


def stage_one(
    model: dict[str, Any],
    docs: Sequence[str],
    encoder: SentenceEncoder | None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """Margins of the underlying one-vs-rest model, shape (len(docs), labels)."""
    features = featurize(model, docs, encoder, embeddings)
    return np.asarray(model["estimator"].decision_function(features)).reshape(len(docs), -1)


def pooled_features(doc_margins: np.ndarray, unit_margins: Sequence[np.ndarray]) -> np.ndarray:
    """(docs, labels, POOLED_FEATURES): document margin, best and top-two sentence margins."""
    out = np.zeros((len(doc_margins), doc_margins.shape[1], POOLED_FEATURES))
    for i, units in enumerate(unit_margins):
        ranked = -np.sort(-units, axis=0)
        out[i, :, 0] = doc_margins[i]
        out[i, :, 1] = ranked[0]
        out[i, :, 2] = ranked[:2].mean(axis=0)
    return out


def apply_pooling(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Linear pooling per label: weights has shape (labels, POOLED_FEATURES + 1)."""
    return np.einsum("nlf,lf->nl", features, weights[:, :-1]) + weights[:, -1]


def margins(
    model: dict[str, Any],
    docs: Sequence[str],
    units: Sequence[Sequence[str]] | None = None,
    encoder: SentenceEncoder | None = None,
    embeddings: np.ndarray | None = None,
) -> Margins:
    """Score cleaned documents and, when given, their sentence units (``units[i]`` for doc i).

    Without units only document margins are computed (training of designs without pooling,
    where ``embeddings`` may carry precomputed document vectors).
    """
    if units is None:
        if model.get("pooling") is not None:
            raise ValueError("a pooling design needs the documents' sentence units")
        return Margins(stage_one(model, docs, encoder, embeddings), [])
    flat = [u for us in units for u in us]
    scored = stage_one(model, [*docs, *flat], encoder)
    documents, rest = scored[: len(docs)], scored[len(docs) :]
    bounds = np.cumsum([0, *(len(us) for us in units)])
    per_doc = [rest[bounds[i] : bounds[i + 1]] for i in range(len(docs))]
    if model.get("pooling") is not None:
        documents = apply_pooling(model["pooling"], pooled_features(documents, per_doc))
    return Margins(documents, per_doc)
