"""The classifier designs compared by cross-validation, and how each is fitted.

Every design ends in one-vs-rest logistic regression, so all of them yield per-label linear
margins that are Platt-calibrated the same way and explained the same way (sentence margins).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from models.features import featurize

DESIGNS = ("tfidf", "embeddings", "combined")
# Relative serving cost, used only to break near-ties in favour of the cheaper design.
COST = {"tfidf": 1, "combined": 2, "embeddings": 3}
REGULARISATION = {"tfidf": 30.0, "embeddings": 4.0, "combined": 30.0}


def make_vectorizer() -> FeatureUnion:
    """Word uni/bigrams for topic words, character n-grams for names like S-400 or CAATSA."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    max_df=0.9,
                    sublinear_tf=True,
                    strip_accents="unicode",
                    lowercase=True,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=3,
                    sublinear_tf=True,
                    max_features=150_000,
                    lowercase=True,
                ),
            ),
        ]
    )


def fit(
    design: str,
    labels: tuple[str, ...],
    docs: list[str],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    seed: int,
) -> dict[str, Any]:
    """Fit a design on cleaned documents; returns the picklable model dict (uncalibrated)."""
    model: dict[str, Any] = {"design": design, "labels": labels}
    if design in {"tfidf", "combined"}:
        model["vectorizer"] = make_vectorizer().fit(docs)
    features = featurize(model, docs, None, embeddings)
    estimator = OneVsRestClassifier(
        LogisticRegression(
            C=REGULARISATION[design],
            class_weight="balanced",
            max_iter=5000,
            solver="liblinear",
            random_state=seed,
        )
    )
    model["estimator"] = estimator.fit(features, y)
    return model


def decision(model: dict[str, Any], docs: list[str], embeddings: np.ndarray | None) -> np.ndarray:
    features = featurize(model, docs, None, embeddings)
    return np.asarray(model["estimator"].decision_function(features)).reshape(len(docs), -1)
