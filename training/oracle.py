"""The oracle extract: the sentences that best match a reference brief (greedy, as in
SummaRuNNer and BertSum's labelling), which is both the ceiling an extractive brief can reach
and the per-sentence labels the brief selector learns from.

Greedy: start empty, add the sentence that raises ROUGE-1 + ROUGE-2 F1 of the selection the
most, stop when nothing raises it or ``limit`` sentences are taken. The search counts n-grams
of rouge-score's own stemmed tokens (each sentence tokenized once, so the search is fast);
ROUGE-N of a selection does not depend on sentence order except for the bigram across a join,
which the search ignores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from training.rouge import tokenize


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(candidate: Counter[tuple[str, ...]], reference: Counter[tuple[str, ...]]) -> float:
    overlap = sum((candidate & reference).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(candidate.values())
    recall = overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def oracle_indices(sentences: Sequence[str], reference: str, limit: int = 3) -> list[int]:
    """Indices (source order) of the greedy oracle extract of at most ``limit`` sentences."""
    tokens = [tokenize(s) for s in sentences]
    unigrams = [_ngrams(t, 1) for t in tokens]
    bigrams = [_ngrams(t, 2) for t in tokens]
    reference_tokens = tokenize(reference)
    ref1, ref2 = _ngrams(reference_tokens, 1), _ngrams(reference_tokens, 2)
    chosen: list[int] = []
    picked1: Counter[tuple[str, ...]] = Counter()
    picked2: Counter[tuple[str, ...]] = Counter()
    best = 0.0
    while len(chosen) < limit:
        scored = [
            (_f1(picked1 + unigrams[i], ref1) + _f1(picked2 + bigrams[i], ref2), -i)
            for i in range(len(sentences))
            if i not in chosen
        ]
        if not scored:
            break
        score, negative_index = max(scored)
        if score <= best:
            break
        best = score
        chosen.append(-negative_index)
        picked1 += unigrams[-negative_index]
        picked2 += bigrams[-negative_index]
    return sorted(chosen)
