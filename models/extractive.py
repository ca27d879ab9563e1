"""Decoding extractive briefs: relevance against redundancy under a length budget.

The learned selector (models/brief_selector.py) scores each candidate sentence; focus marks
sentences the caller asked for (classifier evidence for requested topics), which outrank the
rest; greedy maximal marginal relevance then trades score against similarity to what is already
chosen, so the brief does not say the same thing twice.

Everything here is plain numpy over precomputed scores and similarities, so decoding is tested
without loading a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Large enough that any focus sentence outranks every sentence without focus.
FOCUS_WEIGHT = 1.0
# Similarity above which a sentence restates a chosen one and is never added.
DUPLICATE_SIMILARITY = 0.9
# Shorter sentences ("He agreed.") rarely stand alone; used only when nothing longer exists.
MIN_WORDS = 5
# Default MMR trade-off: share of score against the share of similarity to chosen sentences.
DEFAULT_MMR_LAMBDA = 0.7


@dataclass(frozen=True, slots=True)
class Budget:
    """How long the brief may be: a sentence count, a word budget, or both."""

    max_sentences: int | None
    max_words: int | None

    def __post_init__(self) -> None:
        for name in ("max_sentences", "max_words"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")
        if self.max_sentences is None and self.max_words is None:
            raise ValueError("a budget needs max_sentences or max_words")

    def fits(self, word_counts: np.ndarray) -> bool:
        """True when all these sentences fit together (the article needs no selection)."""
        if self.max_sentences is not None and len(word_counts) > self.max_sentences:
            return False
        return self.max_words is None or int(word_counts.sum()) <= self.max_words


def with_focus(scores: np.ndarray, focus: np.ndarray) -> np.ndarray:
    """Scores in [0, 1] where every focus sentence outranks every other; unchanged without
    focus."""
    if not focus.any():
        return scores
    return (scores + FOCUS_WEIGHT * focus.astype(np.float64)) / (1.0 + FOCUS_WEIGHT)


def select(
    similarity: np.ndarray,
    scores: np.ndarray,
    word_counts: np.ndarray,
    budget: Budget,
    mmr_lambda: float = DEFAULT_MMR_LAMBDA,
) -> list[int]:
    """Indices of the chosen sentences in source order (greedy MMR within the budget).

    Under a word budget only whole sentences that still fit are considered; if not even the
    first choice fits, it is taken alone, because a brief has at least one sentence.
    """
    n = len(scores)
    if n == 0:
        return []
    available = word_counts >= MIN_WORDS
    if not available.any():
        available = np.ones(n, dtype=bool)
    closest = np.zeros(n)  # highest similarity to any chosen sentence
    chosen: list[int] = []
    words_left = budget.max_words
    limit = budget.max_sentences if budget.max_sentences is not None else n
    while len(chosen) < limit:
        candidates = available.copy()
        if words_left is not None:
            candidates &= word_counts <= words_left
            if not candidates.any() and not chosen:
                candidates = available.copy()
        if not candidates.any():
            break
        gain = mmr_lambda * scores - (1.0 - mmr_lambda) * closest
        gain[~candidates] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        if words_left is not None:
            words_left -= int(word_counts[best])
        closest = np.maximum(closest, similarity[best])
        available &= similarity[best] < DUPLICATE_SIMILARITY
        available[best] = False
    return sorted(chosen)
