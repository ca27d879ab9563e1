"""ROUGE-1, ROUGE-2 and ROUGE-L F1 as the literature computes them, via Google's `rouge-score`.

Porter stemming on, as in the published CNN/DailyMail results, so our figures compare with
theirs. rouge-score lower-cases, keeps runs of ASCII letters and digits, stems tokens of more
than three letters; ROUGE-L is the longest common subsequence of the two whole texts (not the
per-sentence "Lsum" variant). An empty side scores 0.
"""

from __future__ import annotations

from functools import cache

from rouge_score import rouge_scorer

METRICS = ("rouge1", "rouge2", "rougeL")


@cache
def _scorer() -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def tokenize(text: str) -> list[str]:
    """rouge-score's tokens of ``text`` (lower-cased, stemmed), as the scores count them."""
    return list(_scorer()._tokenizer.tokenize(text))


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """The three F1 scores of ``candidate`` against ``reference``, keyed as rouge-score names
    them."""
    scores = _scorer().score(reference, candidate)  # rouge-score takes (target, prediction)
    return {metric: scores[metric].fmeasure for metric in METRICS}
