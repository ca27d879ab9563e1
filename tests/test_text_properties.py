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
    ends = {s.end: s for s in full}
    assert len(body) <= len(full) and (body or not full)
    for kept in body:
        whole = ends[kept.end]
        assert text[kept.start : kept.end] == kept.text
        assert kept.start >= whole.start and kept.text
    assert body[1:] == [ends[s.end] for s in body[1:]]


_LIST_ITEM = st.tuples(st.sampled_from(["- ", "\u2022 ", "* ", "(a) "]), _TEXT).map("".join)
_CHROME = st.sampled_from(
    ["All comments", "Show new comments", "Comments are closed.", "3 comments"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_TEXT, _LIST_ITEM, _CHROME), min_size=1, max_size=8))
def test_list_items_and_chrome_never_become_brief_sentences(lines: list[str]) -> None:
    prose = "The talks ended on Monday with an agreement on patrols."
    text = "\n".join([prose, *lines])
    chrome = {"All comments", "Show new comments", "Comments are closed.", "3 comments"}
    for kept in body_sentences(text):
        line_start = text.rfind("\n", 0, kept.start) + 1
        line = text[line_start : text.find("\n", kept.start) % (len(text) + 1)].strip()
        assert not line.startswith(("- ", "\u2022 ", "* ", "(a) ")), line
        assert kept.text not in chrome
