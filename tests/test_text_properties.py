"""Property tests of cleaning and splitting: never raise, offsets always slice the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.text import body_sentences, clean, segment, sentences

# Text biased towards what breaks splitters: abbreviations, quotes, initials, newlines, digits.
_PIECES = st.sampled_from(
    [
        "U.S.",
        "Lt. Gen.",
        "Aug. 7",
        "Mr.",
        " ",
        "\n",
        "\r\n",
        ".",
        "!",
        "?",
        '"',
        "\u201c",
        "\u201d",
        "'",
        "(",
        ")",
        "Read more: x",
        "ANKARA",
        "video",
        "S-400",
        "M.",
        "e.g.",
        "...",
        "\u2026",
        "The",
        "talks",
        "ended",
        "Photo: a / AFP",
        "By Jane Doe",
        "12345678901",
        "WASHINGTON, April 17, 2019 (Reuters) - ",
        " \u2014 ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_segments_slice_the_input_in_order_without_overlap(text: str) -> None:
    previous_end = 0
    for seg in segment(text):
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip() and seg.text
        assert seg.start >= previous_end
        previous_end = seg.end


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_sentences_are_a_subset_of_segments_and_clean_never_raises(text: str) -> None:
    kinds = {(s.start, s.end): s.kind for s in segment(text)}
    for sentence in sentences(text):
        assert kinds[(sentence.start, sentence.end)] == "sentence"
    assert isinstance(clean(text), str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_is_handled(text: str) -> None:
    for seg in segment(text):
        assert text[seg.start : seg.end] == seg.text


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_body_sentences_trim_only_the_start_of_the_first_sentence(text: str) -> None:
    full, body = sentences(text), body_sentences(text)
    assert len(full) == len(body)
    for whole, kept in zip(full, body, strict=True):
        assert text[kept.start : kept.end] == kept.text
        assert kept.end == whole.end and kept.start >= whole.start and kept.text
    assert body[1:] == full[1:]
