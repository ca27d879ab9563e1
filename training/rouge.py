"""ROUGE-1, ROUGE-2 and ROUGE-L (Lin, 2004): overlap of a brief with a reference brief.

Our own small implementation, so evaluation needs no extra dependency and its choices are
visible: tokens are lower-cased runs of letters and digits (punctuation dropped, no stemming,
no stop-word removal); ROUGE-N counts clipped n-gram matches; ROUGE-L is the longest common
subsequence of the two whole token sequences (not the per-sentence "Lsum" variant). Each score
is precision, recall and their F1; an empty side scores 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_overlap(cls, overlap: int, candidate_total: int, reference_total: int) -> Score:
        if overlap == 0 or candidate_total == 0 or reference_total == 0:
            return cls(0.0, 0.0, 0.0)
        precision = overlap / candidate_total
        recall = overlap / reference_total
        return cls(precision, recall, 2 * precision * recall / (precision + recall))


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: str, reference: str, n: int) -> Score:
    """Clipped n-gram overlap: an n-gram matches at most as often as the reference has it."""
    cand = _ngrams(tokenize(candidate), n)
    ref = _ngrams(tokenize(reference), n)
    overlap = sum((cand & ref).values())
    return Score.from_overlap(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming, two rows)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(candidate: str, reference: str) -> Score:
    cand, ref = tokenize(candidate), tokenize(reference)
    return Score.from_overlap(lcs_length(cand, ref), len(cand), len(ref))


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """The three F1 scores, keyed as rouge-score names them."""
    return {
        "rouge1": rouge_n(candidate, reference, 1).f1,
        "rouge2": rouge_n(candidate, reference, 2).f1,
        "rougeL": rouge_l(candidate, reference).f1,
    }
