"""ROUGE on examples small enough to check by hand."""

from __future__ import annotations

import pytest

from training.rouge import Score, lcs_length, rouge, rouge_l, rouge_n, tokenize


def _prf(score: Score) -> tuple[float, float, float]:
    return (score.precision, score.recall, score.f1)


def test_tokens_are_lower_cased_words_without_punctuation() -> None:
    assert tokenize("Turkey's S-400, \u201cdelivered\u201d!") == [
        "turkey",
        "s",
        "s",
        "400",
        "delivered",
    ]


def test_rouge_1_counts_shared_words() -> None:
    # candidate: the cat sat on the mat (6); reference: the cat lay on the rug (6)
    # shared, clipped: the x2, cat, on = 4 -> P = R = F1 = 4/6
    score = rouge_n("The cat sat on the mat.", "The cat lay on the rug.", 1)
    assert _prf(score) == pytest.approx((4 / 6, 4 / 6, 4 / 6))


def test_rouge_2_counts_shared_bigrams() -> None:
    # candidate bigrams: the cat, cat sat, sat on, on the, the mat (5)
    # reference bigrams: the cat, cat lay, lay on, on the, the rug (5); shared: the cat, on the
    score = rouge_n("the cat sat on the mat", "the cat lay on the rug", 2)
    assert _prf(score) == pytest.approx((2 / 5, 2 / 5, 2 / 5))


def test_matches_are_clipped_to_the_reference_count() -> None:
    # "the" appears 3 times in the candidate but once in the reference: one match.
    # P = 1/3, R = 1/2, F1 = 2 * (1/3) * (1/2) / (1/3 + 1/2) = 0.4
    score = rouge_n("the the the", "the cat", 1)
    assert _prf(score) == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_rouge_l_uses_the_longest_common_subsequence() -> None:
    # LCS of "police killed the gunman" / "police kill the gunman" is police the gunman (3).
    assert lcs_length("a b c d".split(), "a x c d".split()) == 3
    score = rouge_l("police killed the gunman", "police kill the gunman")
    assert _prf(score) == pytest.approx((3 / 4, 3 / 4, 3 / 4))
    # Word order matters for L but not for 1: the reversed sentence keeps only one in order.
    assert rouge_l("gunman the killed police", "police killed the gunman").f1 == pytest.approx(
        1 / 4
    )
    assert rouge_n("gunman the killed police", "police killed the gunman", 1).f1 == 1.0


def test_different_lengths_give_different_precision_and_recall() -> None:
    # candidate 2 words, reference 4 words, 2 shared: P = 1, R = 0.5, F1 = 2/3
    assert _prf(rouge_n("turkey patrols", "turkey and russia patrols", 1)) == pytest.approx(
        (1.0, 0.5, 2 / 3)
    )


@pytest.mark.parametrize(("candidate", "reference"), [("", "the cat"), ("the cat", ""), ("", "")])
def test_an_empty_side_scores_zero(candidate: str, reference: str) -> None:
    assert rouge(candidate, reference) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_identical_texts_score_one_and_disjoint_zero() -> None:
    assert rouge("Ankara bought S-400s.", "ankara bought s 400s") == {
        "rouge1": 1.0,
        "rouge2": 1.0,
        "rougeL": 1.0,
    }
    assert rouge("Ankara", "Moscow") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
