"""Per-label linear margins of a fitted model: the one scoring path for training and serving.

A model dict is ``{"design", "labels", "estimator", ...}``. The "tfidf+sentences" design adds
``"pooling"``: per label, weights over (document margin, best sentence margin, mean of the two
best sentence margins) plus a bias. Pooling lets one strong sentence carry a topic that a long
article reports only briefly, which a whole-document bag of words dilutes; the weights are
learned, so a passing clause in a long article still counts for little.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from models.encoder import SentenceEncoder
from models.features import featurize
from models.text import sentences

POOLED_FEATURES = 3


def stage_one(
    model: dict[str, Any],
    docs: Sequence[str],
    encoder: SentenceEncoder | None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """Margins of the underlying one-vs-rest model, shape (len(docs), labels)."""
    features = featurize(model, docs, encoder, embeddings)
    return np.asarray(model["estimator"].decision_function(features)).reshape(len(docs), -1)


def sentence_units(doc: str) -> list[str]:
    """The sentences (and headings) a cleaned document is pooled over."""
    return [s.text for s in sentences(doc)] or [doc]


def pooled_features(model: dict[str, Any], docs: Sequence[str]) -> np.ndarray:
    """(docs, labels, POOLED_FEATURES): document margin, best and top-two sentence margins."""
    doc_margins = stage_one(model, docs, None)
    units = [sentence_units(doc) for doc in docs]
    flat = stage_one(model, [u for us in units for u in us], None)
    out = np.zeros((len(docs), doc_margins.shape[1], POOLED_FEATURES))
    position = 0
    for i, us in enumerate(units):
        ranked = -np.sort(-flat[position : position + len(us)], axis=0)
        position += len(us)
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
    encoder: SentenceEncoder | None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """The model's final per-label margins for cleaned documents."""
    if model.get("pooling") is not None:
        return apply_pooling(model["pooling"], pooled_features(model, docs))
    return stage_one(model, docs, encoder, embeddings)
