"""Per-label linear margins of a fitted model: the one scoring path for training and serving.

A model dict is ``{"design", "labels", "estimator", ...}``. The pooling designs add
``"pooling"``: per label, weights over features pooled from the sentences' margins plus a bias.

- "tfidf+sentences" scores sentences with the document model and pools (document margin, best
  sentence margin, mean of the two best). One strong sentence can carry a topic that a long
  article reports only briefly, but the document model's sentence margins inherit whatever the
  topic's articles usually also talk about.
- "evidence" adds ``"sentence_estimator"``, a model fitted on sentences marked as reporting a
  topic (and on sentences that only name it), and pools its margins with how many sentences
  report the topic and what share of the article they make: the label guide's "substantially
  reports" rule, so a label needs sentences of its own rather than its usual neighbours.

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

POOLED_FEATURES = {"tfidf+sentences": 3, "evidence": 5}


@dataclass(frozen=True, slots=True)
class Margins:
    """Final per-document margins, and the sentence model's margins for each sentence."""

    documents: np.ndarray
    units: list[np.ndarray]


def _decide(estimator: Any, features: Any, rows: int) -> np.ndarray:
    return np.asarray(estimator.decision_function(features)).reshape(rows, -1)


def stage_one(
    model: dict[str, Any],
    docs: Sequence[str],
    encoder: SentenceEncoder | None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """Margins of the underlying one-vs-rest document model, shape (len(docs), labels)."""
    features = featurize(model, docs, encoder, embeddings)
    return _decide(model["estimator"], features, len(docs))


def pooled_features(
    doc_margins: np.ndarray, unit_margins: Sequence[np.ndarray], design: str
) -> np.ndarray:
    """(docs, labels, POOLED_FEATURES[design]) pooled from document and sentence margins."""
    width = POOLED_FEATURES[design]
    out = np.zeros((len(doc_margins), doc_margins.shape[1], width))
    for i, units in enumerate(unit_margins):
        ranked = -np.sort(-units, axis=0)
        out[i, :, 0] = doc_margins[i]
        out[i, :, 1] = ranked[0]
        out[i, :, 2] = ranked[:2].mean(axis=0)
        if width > 3:
            reporting = (units > 0).sum(axis=0)
            out[i, :, 3] = np.log1p(reporting)
            out[i, :, 4] = reporting / len(units)
    return out


def apply_pooling(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Linear pooling per label: weights has shape (labels, features + 1)."""
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
    features = featurize(model, [*docs, *flat], encoder)
    documents = _decide(model["estimator"], features[: len(docs)], len(docs))
    sentence_model = model.get("sentence_estimator", model["estimator"])
    rest = _decide(sentence_model, features[len(docs) :], len(flat))
    bounds = np.cumsum([0, *(len(us) for us in units)])
    per_doc = [rest[bounds[i] : bounds[i + 1]] for i in range(len(docs))]
    if model.get("pooling") is not None:
        pooled = pooled_features(documents, per_doc, model["design"])
        documents = apply_pooling(model["pooling"], pooled)
    return Margins(documents, per_doc)


class LinearMargins:
    """Per-label linear scores ``X @ coef.T + intercept``: the sentence model as served.

    Each label's sentence model is fitted on its own rows (sentences whose role for that label
    is known), so they cannot share one scikit-learn one-vs-rest estimator; stacking their
    weights keeps serving to one sparse product.
    """

    def __init__(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)

    def decision_function(self, features: Any) -> np.ndarray:
        return np.asarray(features @ self.coef.T) + self.intercept
