"""Multi-label metrics in the one shape `newsbrief evaluate --json` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support


def indicator(label_sets: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    """Label sets -> 0/1 matrix with one column per label, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(label_sets), len(labels)), dtype=int)
    for row, label_set in enumerate(label_sets):
        for label in label_set:
            if label in index:
                matrix[row, index[label]] = 1
    return matrix


def multilabel_report(
    y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]
) -> dict[str, Any]:
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, zero_division=0
    )
    return {
        "labels": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", zero_division=0)), 4),
        "micro_f1": round(float(f1_score(y_true, y_pred, average="micro", zero_division=0)), 4),
        "exact_match": round(float(np.mean(np.all(y_true == y_pred, axis=1))), 4),
        "n": len(y_true),
    }


# Cuts whose out-of-fold F1 lies within this of the best count as equally good.
THRESHOLD_TOLERANCE = 0.01


def best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The cut nearest 0.5 among those within THRESHOLD_TOLERANCE of the best out-of-fold F1.

    On our corpus F1 is often flat over a wide range of cuts, and the exact maximum can sit far
    from 0.5 (safe_zone's at 0.18) by chance; on real pages such a cut let through every page
    that merely explains what a buffer zone is. Scores are calibrated, so near 0.5 is the cut
    that transfers.
    """
    candidates = np.linspace(0.05, 0.95, 91)
    scores = np.array(
        [f1_score(truth, probabilities >= cut, zero_division=0) for cut in candidates]
    )
    good = candidates[scores >= scores.max() - THRESHOLD_TOLERANCE]
    return float(good[np.argmin(np.abs(good - 0.5))])


def expected_calibration_error(
    probabilities: np.ndarray, truth: np.ndarray, bins: int = 10
) -> float:
    """Mean |accuracy - confidence| over equal-width score bins, weighted by bin size.

    Every (article, label) score counts as one binary forecast, so a score of 0.8 should come
    true 80% of the time whichever label it belongs to.
    """
    p = np.asarray(probabilities, dtype=float).ravel()
    y = np.asarray(truth, dtype=float).ravel()
    if p.size == 0:
        return 0.0
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.sum() * abs(float(y[inside].mean()) - float(p[inside].mean()))
    return total / p.size
