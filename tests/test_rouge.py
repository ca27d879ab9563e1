"""ROUGE as rouge-score computes it (stemmed), on examples small enough to check by hand."""

from __future__ import annotations

import pytest

from training.oracle import oracle_indices
from training.rouge import rouge, tokenize


def test_tokens_are_lower_cased_stemmed_ascii_words() -> None:
    assert tokenize("Turkey's S-400 patrols, \u201cdelivered\u201d!") == [
        "turkey",
        "s",
        "s",
        "400",
        "patrol",
        "deliv",
    ]


def test_rouge_1_and_2_count_shared_words_and_bigrams() -> None:
    # the cat sat on the mat / the cat lay on the rug: 4 of 6 words, 2 of 5 bigrams shared
    scores = rouge("The cat sat on the mat.", "The cat lay on the rug.")
    assert scores["rouge1"] == pytest.approx(4 / 6)
    assert scores["rouge2"] == pytest.approx(2 / 5)


def test_stemming_matches_inflections() -> None:
    # "patrolled" and "patrols" both stem to "patrol"; without stemming only "joint" matches.
    assert rouge("joint patrolled", "joint patrols")["rouge1"] == pytest.approx(1.0)


def test_rouge_l_uses_the_longest_common_subsequence() -> None:
    assert rouge("gunman the killed police", "police killed the gunman")["rougeL"] == (
        pytest.approx(1 / 4)
    )
    assert rouge("gunman the killed police", "police killed the gunman")["rouge1"] == 1.0


@pytest.mark.parametrize(("candidate", "reference"), [("", "the cat"), ("the cat", ""), ("", "")])
def test_an_empty_side_scores_zero(candidate: str, reference: str) -> None:
    assert rouge(candidate, reference) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_the_oracle_stops_when_no_sentence_adds_overlap() -> None:
    sentences = ["Ankara bought missiles.", "Zebras graze.", "Moscow delivered them in July."]
    assert oracle_indices(sentences, "Ankara bought missiles that Moscow delivered in July.") == [
        0,
        2,
    ]
    assert oracle_indices(sentences, "Quokkas yawn loudly.") == []
    assert oracle_indices(sentences, "Ankara bought missiles.", limit=1) == [0]
