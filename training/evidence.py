"""Sentence targets for the "evidence" design: which sentences report which topic.

The corpus marks, per article, the sentences that report each of its labels (``evidence``)
and sentences that only name a topic the article does not get (``mentions``). A sentence's
target for a label is then

- ``1`` when it is marked as that label's evidence,
- ``0`` when the article does not have the label (whether or not the sentence mentions it),
  or when the article has it but marked other sentences as its evidence,
- ``UNKNOWN`` when the article has the label and marks no evidence for it: such rows are left
  out of that label's sentence model (data of one's own, retrained without marks, still works:
  see ``pseudo_targets``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.features import Parts
from training.corpus import LabelledArticle

UNKNOWN = -1
# A span counts as a marked sentence when the mark covers this share of it.
COVER = 0.5


def _ranges(text: str, marked: Sequence[str]) -> list[tuple[int, int]]:
    ranges = []
    for sentence in marked:
        start = text.find(sentence)
        if start >= 0:
            ranges.append((start, start + len(sentence)))
    return ranges


def _covered(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    length = max(1, end - start)
    return any(min(end, e) - max(start, s) >= COVER * length for s, e in ranges)


def sentence_targets(article: LabelledArticle, part: Parts, labels: Sequence[str]) -> np.ndarray:
    """(units, labels) targets in {1, 0, UNKNOWN} for one article's scored sentences."""
    rows = len(part.units)
    targets = np.zeros((rows, len(labels)), dtype=np.int8)
    for j, label in enumerate(labels):
        if label not in article.labels:
            continue
        ranges = _ranges(article.text, article.evidence.get(label, ()))
        if not ranges or not part.spans:
            targets[:, j] = UNKNOWN
            continue
        for i, span in enumerate(part.spans):
            targets[i, j] = int(_covered(span.start, span.end, ranges))
    return targets


def pseudo_targets(targets: np.ndarray, doc_model_margins: np.ndarray) -> np.ndarray:
    """UNKNOWN rows of a positive article become its best sentences by the document model.

    Without marks, the sentences the document model finds most typical of the label stand in
    for its evidence: at least one, a quarter of the article at most three; the rest count 0.
    """
    out = targets.copy()
    for j in range(targets.shape[1]):
        unknown = targets[:, j] == UNKNOWN
        if not unknown.any():
            continue
        k = min(3, max(1, round(0.25 * int(unknown.sum()))))
        order = np.argsort(-doc_model_margins[:, j])
        out[unknown, j] = 0
        out[order[:k], j] = 1
    return out
