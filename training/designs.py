"""The classifier designs compared by cross-validation, and how each is fitted.

Every design ends in one-vs-rest logistic regression, so all of them yield per-label linear
margins that are Platt-calibrated the same way and explained the same way (sentence margins).
"tfidf+sentences" adds a learned pooling of sentence margins on top; "evidence" pools the
margins of a separate sentence model fitted on the corpus's marked evidence sentences (see
models/margins.py and training/evidence.py).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from models.features import Parts, featurize
from models.margins import POOLED_FEATURES, LinearMargins, margins, pooled_features
from training.evidence import UNKNOWN, pseudo_targets

DESIGNS = ("tfidf", "evidence", "tfidf+sentences", "embeddings", "combined")
# What `newsbrief train` compares unless told otherwise: the two that lead by cross-validation.
# The others lost by 0.01-0.07 macro-F1 (README) and cost minutes of CI each (`--designs`).
DEFAULT_DESIGNS = ("evidence", "tfidf+sentences")
# Relative serving cost, used only to break near-ties in favour of the cheaper design; among
# equals the earlier in DESIGNS wins ("evidence" labels real pages better, README).
COST = {"tfidf": 1, "evidence": 2, "tfidf+sentences": 2, "combined": 3, "embeddings": 4}
REGULARISATION = {
    "tfidf": 30.0,
    "tfidf+sentences": 30.0,
    "evidence": 30.0,
    "embeddings": 4.0,
    "combined": 30.0,
}
# The sentence model's regularisation (sentences are short, so weaker than the document's).
SENTENCE_C = 10.0
# Designs whose document margins are pooled with sentence margins.
POOLING_DESIGNS = frozenset(POOLED_FEATURES)
# Labels fitted in parallel (one per core on the 2-core target machine).
TRAINING_JOBS = 2
# Folds used to produce the out-of-fold margins the sentence pooling is fitted on.
POOLING_FOLDS = 3


def make_vectorizer() -> FeatureUnion:
    """Word uni/bigrams for topic words, character n-grams for names like S-400 or CAATSA.

    Character 3-4-grams, not 3-5: as accurate by cross-validation (macro-F1 0.971 vs 0.970)
    and a quarter cheaper to compute, which is most of a classification's time.
    """
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
                    ngram_range=(3, 4),
                    min_df=3,
                    sublinear_tf=True,
                    max_features=60_000,
                    lowercase=True,
                ),
            ),
        ]
    )


def fingerprint() -> str:
    """Everything besides data and seed that shapes a fitted model, for the artifact version."""
    params = make_vectorizer().get_params(deep=True)
    settings = {k: repr(v) for k, v in sorted(params.items()) if "__" in k}
    return json.dumps(
        {
            "vectorizer": settings,
            "C": REGULARISATION,
            "sentence_C": SENTENCE_C,
            "pooled": POOLED_FEATURES,
            "pooling_folds": POOLING_FOLDS,
        },
        sort_keys=True,
    )


def fit(
    design: str,
    labels: tuple[str, ...],
    parts: list[Parts],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    seed: int,
    targets: list[np.ndarray] | None = None,
) -> dict[str, Any]:
    """Fit a design on prepared articles; returns the picklable model dict (uncalibrated).

    ``targets`` (per article, (units, labels) in {1, 0, UNKNOWN}) is what the "evidence"
    design's sentence model learns from; without it the sentences of an article are unknown
    for its labels (pseudo-labelled by the document model) and negatives for the others.
    """
    if design == "evidence" and targets is None:
        targets = [
            np.tile(np.where(row == 1, UNKNOWN, 0).astype(np.int8), (len(p.units), 1))
            for p, row in zip(parts, y, strict=True)
        ]
    model = _fit_stage_one(design, labels, parts, y, embeddings, seed, targets)
    if design in POOLING_DESIGNS:
        model["pooling"] = _fit_pooling(design, labels, parts, y, seed, targets)
    return model


def _fit_stage_one(
    design: str,
    labels: tuple[str, ...],
    parts: list[Parts],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    seed: int,
    targets: list[np.ndarray] | None,
) -> dict[str, Any]:
    model = _fit_linear(design, labels, [p.doc for p in parts], y, embeddings, seed)
    if design == "evidence" and targets is not None:
        model["sentence_estimator"] = _fit_sentences(model, parts, targets, seed)
    return model


def _fit_sentences(
    model: dict[str, Any], parts: list[Parts], targets: list[np.ndarray], seed: int
) -> LinearMargins:
    """One logistic regression per label over the sentences whose role for it is known."""
    units = [u for p in parts for u in p.units]
    features = featurize(model, units, None)
    known = np.vstack(targets)
    doc_model = np.asarray(model["estimator"].decision_function(features))
    bounds = np.cumsum([0, *(len(t) for t in targets)])
    filled = np.vstack(
        [
            pseudo_targets(known[bounds[i] : bounds[i + 1]], doc_model[bounds[i] : bounds[i + 1]])
            for i in range(len(targets))
        ]
    )
    fitted = Parallel(n_jobs=TRAINING_JOBS)(
        delayed(_fit_sentence_label)(features, filled[:, j], SENTENCE_C, seed)
        for j in range(known.shape[1])
    )
    coef = np.vstack([lr.coef_ for lr in fitted])
    intercept = np.concatenate([lr.intercept_ for lr in fitted])
    return LinearMargins(coef, intercept)


def _fit_linear(
    design: str,
    labels: tuple[str, ...],
    docs: list[str],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    seed: int,
) -> dict[str, Any]:
    model: dict[str, Any] = {"design": design, "labels": labels}
    if design in {"tfidf", "tfidf+sentences", "evidence", "combined"}:
        model["vectorizer"] = make_vectorizer().fit(docs)
    features = featurize(model, docs, None, embeddings)
    estimator = OneVsRestClassifier(
        LogisticRegression(
            C=REGULARISATION[design],
            class_weight="balanced",
            max_iter=5000,
            solver="liblinear",
            random_state=seed,
        ),
        n_jobs=TRAINING_JOBS,
    )
    model["estimator"] = estimator.fit(features, y)
    return model


def _fit_sentence_label(
    features: Any, target: np.ndarray, c: float, seed: int
) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight="balanced", max_iter=5000, solver="liblinear", random_state=seed
    ).fit(features, target)


def _fit_pooling(
    design: str,
    labels: tuple[str, ...],
    parts: list[Parts],
    y: np.ndarray,
    seed: int,
    targets: list[np.ndarray] | None,
) -> np.ndarray:
    """Pooling weights fitted on out-of-fold pooled features, so they see honest margins."""
    width = POOLED_FEATURES[design]
    features = np.zeros((len(parts), len(labels), width))
    splitter = KFold(n_splits=POOLING_FOLDS, shuffle=True, random_state=seed)
    for train_idx, held_idx in splitter.split(parts):
        inner = _fit_stage_one(
            design,
            labels,
            [parts[i] for i in train_idx],
            y[train_idx],
            None,
            seed,
            [targets[i] for i in train_idx] if targets is not None else None,
        )
        held = [parts[i] for i in held_idx]
        scored = margins(inner, [p.doc for p in held], [p.units for p in held])
        features[held_idx] = pooled_features(scored.documents, scored.units, design)
    weights = np.zeros((len(labels), width + 1))
    for j in range(len(labels)):
        lr = LogisticRegression(C=1.0).fit(features[:, j, :], y[:, j])
        weights[j, :-1], weights[j, -1] = lr.coef_[0], lr.intercept_[0]
    return weights


def decision(
    model: dict[str, Any], parts: list[Parts], embeddings: np.ndarray | None
) -> np.ndarray:
    """Final margins, as the served classifier computes them."""
    units = [p.units for p in parts] if model.get("pooling") is not None else None
    return margins(model, [p.doc for p in parts], units, None, embeddings).documents
