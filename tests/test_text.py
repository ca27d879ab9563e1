"""Cleaning and sentence splitting: abbreviations, quotes, offsets, page furniture."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.text import (
    Segment,
    body_sentences,
    clean,
    is_noise_line,
    segment,
    sentences,
    without_dateline,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Lt. Gen. Stephen M. Twitty met U.S. officials on Aug. 7 in Ankara. "
        "Mr. Akar said the talks went well. The U.N. envoy, Dr. Pedersen, agreed."
    )
    assert _texts(text) == [
        "Lt. Gen. Stephen M. Twitty met U.S. officials on Aug. 7 in Ankara.",
        "Mr. Akar said the talks went well.",
        "The U.N. envoy, Dr. Pedersen, agreed.",
    ]


def test_quotes_close_with_their_sentence() -> None:
    text = '"We will not back down," Akar said. \u201cThe system is ours.\u201d The talks go on!'
    assert _texts(text) == [
        '"We will not back down," Akar said.',
        "\u201cThe system is ours.\u201d",
        "The talks go on!",
    ]


def test_lines_without_punctuation_are_headings_not_sentences() -> None:
    segs = segment("NATO support\nUS officials said today that talks continue.")
    assert [(s.kind, s.text) for s in segs] == [
        ("heading", "NATO support"),
        ("sentence", "US officials said today that talks continue."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Turkey receives second S-400 batch",
        "Also read: Patrols resume",
        "Photo: Turkish soldiers near Tal Abyad / AFP",
        "Soldiers stand guard near the border. (Photo: AA)",
        "By Jane Doe, Ankara",
        "6061172755001 b5a623e2-ab88-4c55-8180-4cc689afd1fe 53a192a0-54ea-4f9a-b58e-d239bf9a6cee",
        "video",
        "ANKARA",
        "Share this article",
        "Advertisement",
        "We use cookies to improve your experience. Accept cookie policy",
    ],
)
def test_page_furniture_is_noise(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday, Turkish troops had completed the first patrol.",
        "Akar said the first joint reconnaissance flight was carried out on Saturday.",
        "Ankara and Moscow are also in talks for a second fleet of S-400s.",
    ],
)
def test_article_sentences_are_not_noise(line: str) -> None:
    assert not is_noise_line(line)


def test_repeated_headline_is_kept_once() -> None:
    text = (SEEDS / "001_18b194c529416b89.txt").read_text(encoding="utf-8")
    headline = "US dispatches two top soldiers to discuss future of Syria safe zone"
    kinds = [s.kind for s in segment(text) if s.text == headline]
    assert kinds == ["heading", "noise", "noise"]
    assert clean(text).count(headline) == 1


def test_offsets_slice_the_original_text_on_every_seed() -> None:
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        segs = segment(text)
        assert len([s for s in segs if s.kind == "sentence"]) >= 10
        for seg in segs:
            assert text[seg.start : seg.end] == seg.text
        starts = [s.start for s in segs]
        assert starts == sorted(starts)


def test_embed_ids_and_datelines_never_reach_the_models() -> None:
    text = (SEEDS / "004_0755255ae1d6484b.txt").read_text(encoding="utf-8")
    cleaned = clean(text)
    assert "6061172755001" not in cleaned and "\nvideo\n" not in cleaned
    seed2 = clean((SEEDS / "002_62335940e15ec100.txt").read_text(encoding="utf-8"))
    assert "ANKARA" not in seed2.split("\n")


def test_crlf_and_unicode_keep_offsets() -> None:
    text = "Zo\u00eb met \u00c7avu\u015fo\u011flu.\r\nThe \U0001f4f0 story ended. Next one!"
    for seg in segment(text):
        assert text[seg.start : seg.end] == seg.text
    assert _texts(text)[-1] == "Next one!"


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("ANKARA - Turkey said on Monday it would buy more.", "Turkey said"),
        ("SEONGJU, South Korea \u2014 US forces moved two launchers.", "US forces"),
        ("WASHINGTON, April 17, 2019 (Reuters) - The US said so.", "The US"),
        ("TEHRAN/WASHINGTON - Iran said it had tested a system.", "Iran said"),
        ("BISHKEK / DUSHANBE, May 2021 - Kyrgyzstan agreed.", "Kyrgyzstan"),
        ("ST. LOUIS -- A jury ruled on Friday.", "A jury"),
        ("BRAS\u00cdLIA - Brazil signed the deal.", "Brazil"),
    ],
)
def test_a_leading_dateline_is_trimmed_with_its_offsets(sentence: str, kept: str) -> None:
    text = "Headline here\n" + sentence
    first = sentences(text)[0]
    trimmed = without_dateline(first)
    assert trimmed.text.startswith(kept) and trimmed.end == first.end
    assert text[trimmed.start : trimmed.end] == trimmed.text
    assert body_sentences(text)[0] == trimmed


@pytest.mark.parametrize(
    "sentence",
    [
        "US - Turkey talks resumed on Monday.",  # two capitals: not a place
        "The US - Turkey row deepened.",
        "Turkey - which denies it - said nothing.",
        "SPOKESMAN: Good afternoon.",  # a speaker, not a dateline
        "Q: When will the patrols resume?",
        "Erdogan said - again - that the deal stands.",
        "New Delhi: India said on Monday.",
    ],
)
def test_sentences_without_a_dateline_are_left_whole(sentence: str) -> None:
    segment_ = Segment(sentence, 0, len(sentence), "sentence")
    assert without_dateline(segment_) is segment_


def test_only_the_first_sentence_loses_a_dateline() -> None:
    text = "ANKARA - Turkey said so.\n\nMOSCOW - Russia said nothing at all."
    body = body_sentences(text)
    assert [s.text for s in body] == ["Turkey said so.", "MOSCOW - Russia said nothing at all."]
