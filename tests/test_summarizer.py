"""Extractive selection: redundancy, focus, length control, offsets, input limits, and the
encoder only for designs that read it.

A lead-preferring selector fitted on synthetic data and a bag-of-words encoder stand in for the
trained artifact and MiniLM (tests/summarizer_fakes.py), so these run in milliseconds; the real
models are exercised in test_summarizer_seeds.py (slow).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from models.analyzer import AnalysisOptions, Analyzer
from models.article import Article, ArticleError
from models.extractive import Budget, select, with_focus
from models.results import Evidence
from models.summarizer import (
    EMBED_GROUP,
    MAX_FACT_WORDS,
    MAX_SENTENCES_SCORED,
    MAX_WINDOW,
    Summarizer,
)
from models.text import segment, sentences
from tests.summarizer_fakes import (
    BagOfWordsEncoder,
    RecordingEntities,
    RecordingSelector,
    lead_selector,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ARTICLE = "\n\n".join(
    [
        "Turkish and Russian troops began joint patrols on the M4 highway in Idlib on Sunday.",
        "Turkish and Russian troops started joint patrols on the M4 highway in Idlib on Sunday.",
        "The patrols follow a cease-fire agreed in Moscow between the two presidents.",
        "Residents of nearby villages said they heard drones overhead during the night.",
        "Ankara has deployed thousands of soldiers to observation posts in the province.",
        "The highway links the cities of Aleppo and Latakia and is vital for trade.",
        "Washington threatened sanctions over Ankara's purchase of Russian S-400 missiles.",
        "Officials said further joint patrols on the highway would follow next week.",
    ]
)


def _summarizer() -> tuple[Summarizer, RecordingSelector, RecordingEntities]:
    selector, entities = RecordingSelector(lead_selector()), RecordingEntities()
    return Summarizer(selector, entities, bf16=False), selector, entities


def _scored(selector: RecordingSelector) -> int:
    """How many candidate sentences the selector scored, over all its calls."""
    return sum(selector.scored)


def _sentence_index(text: str, start: int) -> int:
    return [s.start for s in sentences(text)].index(start)


def test_near_duplicate_of_a_chosen_sentence_is_never_added() -> None:
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(ARTICLE, max_sentences=3)
    chosen = [_sentence_index(ARTICLE, s.start) for s in brief.sentences]
    assert 0 in chosen and 1 not in chosen, chosen


def test_grouped_embeddings_come_back_in_input_order() -> None:
    encoder = BagOfWordsEncoder()
    summarizer = Summarizer(lead_selector(("position", "minilm")), RecordingEntities(), encoder)
    texts = [("word " * (i * 7 % 23 + 1)) + f"number{i}" for i in range(2 * EMBED_GROUP + 3)]
    grouped = summarizer._embed(texts)
    assert len(encoder.calls) == 3
    assert np.allclose(grouped, BagOfWordsEncoder().encode(texts))


def test_the_default_design_runs_no_encoder_and_an_encoder_design_does() -> None:
    summarizer, _, _ = _summarizer()
    assert summarizer.encoder is None
    summarizer.summarize(ARTICLE)  # nothing to encode with, and nothing needed
    encoder = BagOfWordsEncoder()
    with_minilm = Summarizer(lead_selector(("position", "minilm")), RecordingEntities(), encoder)
    brief = with_minilm.summarize(ARTICLE, title="Joint patrols begin")
    assert len(brief.sentences) == 3
    encoded = [text for call in encoder.calls for text in call]
    assert len(encoded) == len(sentences(ARTICLE)) + 1  # every sentence and the title
    assert "Joint patrols begin" in encoded


def test_greedy_selection_skips_a_near_duplicate_and_keeps_source_order() -> None:
    similarity = np.eye(4)
    similarity[0, 1] = similarity[1, 0] = 0.95  # 1 restates 0
    scores = np.array([0.9, 0.8, 0.5, 0.6])
    chosen = select(similarity, scores, np.full(4, 10), Budget(3, None))
    assert chosen == [0, 2, 3]


def test_redundancy_is_traded_against_score() -> None:
    similarity = np.eye(3)
    similarity[0, 1] = similarity[1, 0] = 0.8  # similar, but not a duplicate
    scores = np.array([0.9, 0.7, 0.6])
    assert select(similarity, scores, np.full(3, 10), Budget(2, None), 1.0) == [0, 1]
    assert select(similarity, scores, np.full(3, 10), Budget(2, None), 0.7) == [0, 2]


def test_focus_outranks_every_other_score_and_without_focus_nothing_changes() -> None:
    scores = np.array([0.99, 0.5, 0.01])
    focus = np.array([False, False, True])
    focused = with_focus(scores, focus)
    assert focused.argmax() == 2 and focused.min() >= 0.0 and focused.max() <= 1.0
    assert with_focus(scores, np.zeros(3, dtype=bool)) is scores


def test_the_first_sentence_is_quoted_without_its_dateline() -> None:
    summarizer, _, _ = _summarizer()
    text = "WASHINGTON, April 17 (Reuters) - " + ARTICLE
    brief = summarizer.summarize(text, max_sentences=3)
    first = brief.sentences[0]
    assert first.start == len("WASHINGTON, April 17 (Reuters) - ")
    assert text[first.start : first.end] == first.text and brief.text.startswith(first.text)


def test_a_fragment_is_not_chosen_while_full_sentences_remain() -> None:
    summarizer, _, _ = _summarizer()
    text = "Patrols began.\n" + ARTICLE
    brief = summarizer.summarize(text, max_sentences=3)
    assert "Patrols began." not in brief.text
    only_fragments = "Patrols began. They went well. Talks resumed. Akar agreed. Putin too."
    assert len(summarizer.summarize(only_fragments, max_sentences=2).sentences) == 2


def test_focus_pulls_in_a_late_sentence() -> None:
    summarizer, _, _ = _summarizer()
    target = sentences(ARTICLE)[6]  # the sanctions sentence
    plain = summarizer.summarize(ARTICLE, max_sentences=2)
    assert target.start not in {s.start for s in plain.sentences}
    focused = summarizer.summarize(
        ARTICLE, max_sentences=2, focus=[Evidence(target.text, target.start, target.end)]
    )
    assert target.start in {s.start for s in focused.sentences}
    assert len(focused.sentences) == 2


class _EvidenceClassifier:
    """Says the sanctions sentence of ARTICLE supports any topic asked about."""

    labels: tuple[str, ...] = ("sanctions",)
    version = "test"

    def predict(self, texts, titles=None, min_score=None):  # type: ignore[no-untyped-def]
        raise AssertionError("a brief does not classify")

    def explain(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        target = sentences(text)[6]
        return {label: (Evidence(target.text, target.start, target.end),) for label in labels}


def test_the_analyzer_focuses_briefs_on_classifier_evidence() -> None:
    summarizer, _, _ = _summarizer()
    analyzer = Analyzer(_EvidenceClassifier(), summarizer)
    options = AnalysisOptions(max_sentences=2, focus=("sanctions",))
    (result,) = analyzer.run([Article("a1", ARTICLE)], ["brief"], options)
    assert isinstance(result, dict)
    assert "Washington threatened sanctions" in result["brief"]["text"]


def test_focus_beyond_the_scored_cap_is_still_considered() -> None:
    summarizer, selector, _ = _summarizer()
    text = _long_article(MAX_SENTENCES_SCORED + 50)
    late = sentences(text)[MAX_SENTENCES_SCORED + 20]
    brief = summarizer.summarize(
        text, max_sentences=1, focus=[Evidence(late.text, late.start, late.end)]
    )
    assert [s.start for s in brief.sentences] == [late.start]
    assert _scored(selector) == MAX_SENTENCES_SCORED + 1


def test_word_budget_takes_whole_sentences_that_fit() -> None:
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(ARTICLE, max_sentences=None, max_words=30)
    words = sum(len(s.text.split()) for s in brief.sentences)
    assert len(brief.sentences) > 1 and words <= 30
    assert brief.text == " ".join(s.text for s in brief.sentences)


def test_word_budget_below_every_sentence_still_gives_one_sentence() -> None:
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(ARTICLE, max_sentences=None, max_words=3)
    assert len(brief.sentences) == 1


def test_sentence_and_word_limits_apply_together() -> None:
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(ARTICLE, max_sentences=2, max_words=200)
    assert len(brief.sentences) == 2


def test_neither_limit_means_the_default_three_sentences() -> None:
    summarizer, _, _ = _summarizer()
    assert len(summarizer.summarize(ARTICLE, max_sentences=None).sentences) == 3


def test_a_short_article_comes_back_whole_and_cleaned_without_scoring() -> None:
    summarizer, selector, _ = _summarizer()
    text = (
        "Turkey and Russia agree on Idlib patrols\n\n"
        "Turkey and Russia agree on Idlib patrols\n"
        "By Jane Doe\n"
        "Turkey and Russia agreed on joint patrols in Idlib.   The first one is due on Sunday.\n"
        "Read more: Patrols resume\n"
    )
    brief = summarizer.summarize(text)
    assert brief.text == (
        "Turkey and Russia agreed on joint patrols in Idlib. The first one is due on Sunday."
    )
    assert [s.score for s in brief.sentences] == [1.0, 1.0]
    assert selector.scored == []


def test_a_long_article_under_a_large_word_budget_is_still_selected() -> None:
    summarizer, selector, _ = _summarizer()
    text = _long_article(MAX_WINDOW + 10)
    brief = summarizer.summarize(text, max_sentences=None, max_words=1000)
    assert _scored(selector) == MAX_WINDOW
    assert sum(len(s.text.split()) for s in brief.sentences) <= 1000


@pytest.mark.parametrize(
    ("max_sentences", "window"), [(3, MAX_SENTENCES_SCORED), (8, 16), (20, 40)]
)
def test_a_longer_brief_reads_further_down_but_never_past_the_window(
    max_sentences: int, window: int
) -> None:
    summarizer, selector, _ = _summarizer()
    text = _long_article(MAX_WINDOW + 10)
    brief = summarizer.summarize(text, max_sentences=max_sentences)
    assert len(brief.sentences) == max_sentences
    assert _scored(selector) == min(window, MAX_WINDOW)


def test_a_text_of_unpunctuated_lines_is_its_own_brief() -> None:
    summarizer, _, _ = _summarizer()
    assert summarizer.summarize("Turkey receives the second S-400 battery").text == (
        "Turkey receives the second S-400 battery"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t\n",
        "Read more: Turkey receives second S-400 batch\n"
        "Photo: Turkish soldiers near Tal Abyad / AFP\n"
        "6061172755001 b5a623e2-ab88-4c55-8180-4cc689afd1fe\nvideo\nANKARA\nBy Jane Doe\n",
    ],
)
def test_nothing_to_summarize_is_an_article_error_on_text(text: str) -> None:
    summarizer, _, _ = _summarizer()
    with pytest.raises(ArticleError) as error:
        summarizer.summarize(text)
    assert error.value.field == "text"
    assert "nothing" in error.value.message or "no article text" in error.value.message


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_offsets_slice_the_original_input_in_source_order(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(text, max_sentences=5)
    assert len(brief.sentences) == 5
    for sentence in brief.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert 0.0 <= sentence.score <= 1.0
    starts = [s.start for s in brief.sentences]
    assert starts == sorted(starts)
    kinds = {(s.start, s.end): s.kind for s in segment(text)}
    assert all(kinds[(s.start, s.end)] == "sentence" for s in brief.sentences)


def test_offsets_hold_with_crlf_and_astral_characters() -> None:
    text = (
        "Zo\u00eb met \u00c7avu\u015fo\u011flu in Ankara on Monday for talks.\r\n"
        "The \U0001f4f0 story ran on every front page in the country.\r\n"
        "Officials said the talks would continue in Moscow next month.\r\n"
        "Nothing else was agreed at the meeting, a spokesman said.\r\n"
    )
    summarizer, _, _ = _summarizer()
    for sentence in summarizer.summarize(text, max_sentences=2).sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def _long_article(n_sentences: int) -> str:
    """Distinct sentences (a repeated line would be dropped as a repeated headline)."""
    pool = [s.text for path in sorted(SEEDS.glob("*.txt")) for s in sentences(path.read_text())]
    return "\n".join(f"In report {i}, {pool[i % len(pool)]}" for i in range(n_sentences))


def test_a_20000_word_article_is_scored_only_up_to_the_cap() -> None:
    text = _long_article(800)
    assert len(text.split()) >= 20_000
    summarizer, selector, entities = _summarizer()
    brief = summarizer.summarize(text)
    assert len(brief.sentences) == 3
    assert _scored(selector) == MAX_SENTENCES_SCORED
    assert len(entities.texts[0].split()) <= MAX_FACT_WORDS


def test_entities_are_drawn_from_the_cleaned_opening() -> None:
    summarizer, _, entities = _summarizer()
    text = (SEEDS / "004_0755255ae1d6484b.txt").read_text(encoding="utf-8")
    summarizer.summarize(text)
    assert "6061172755001" not in entities.texts[0]
    assert entities.texts[0].startswith("Turkish President Recep Tayyip Erdogan said")


@pytest.mark.parametrize(("max_sentences", "max_words"), [(0, None), (None, 0), (-1, 5)])
def test_nonpositive_limits_are_rejected(max_sentences: int | None, max_words: int | None) -> None:
    summarizer, _, _ = _summarizer()
    with pytest.raises(ValueError):
        summarizer.summarize(ARTICLE, max_sentences=max_sentences, max_words=max_words)


def test_brief_serialises_to_the_documented_shape() -> None:
    summarizer, _, _ = _summarizer()
    brief = summarizer.summarize(ARTICLE)
    assert brief.backend == "extractive"
    payload = brief.to_dict()
    assert set(payload) == {"text", "sentences", "entities"}
    assert set(payload["sentences"][0]) == {"text", "start", "end", "score"}
