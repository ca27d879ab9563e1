"""Page furniture that models.text learnt to recognise for the brief (it must never be picked).

The rules live in models/text.py, shared with the classifier; test_text.py covers the original
ones, these cover the additions: furniture sharing a line with article text, caption credits
in brackets, wire-service credit lines.
"""

from __future__ import annotations

import pytest

from models.text import body_sentences, segment, sentences


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "Turkey bought the S-400 system. Read more: Turkey receives second batch",
            ["Turkey bought the S-400 system."],
        ),
        (
            "Turkish troops patrolled the border. Photo by AFP",
            ["Turkish troops patrolled the border."],
        ),
        ("Turkish soldiers patrol near Tal Abyad, Syria, Sept. 8, 2019. (AA Photo)", []),
        ("Writing by Ezgi Erkoyun; editing by Jon Boyle.", []),
        ("(Reporting by Tuvan Gumrukcu; Editing by Jonathan Spicer)", []),
    ],
)
def test_furniture_is_not_an_article_sentence(line: str, kept: list[str]) -> None:
    assert [s.text for s in sentences(line)] == kept
    for seg in segment(line):
        assert line[seg.start : seg.end] == seg.text


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by the BBC found that the deal had collapsed in March.",
        "By Tuesday, Turkish troops had completed the first patrol. Akar said so.",
        "The photo by the ministry showed two S-400 batteries at Murted.",
    ],
)
def test_article_sentences_that_resemble_furniture_are_kept(line: str) -> None:
    assert " ".join(s.text for s in sentences(line)) == line


# Real-page furniture found in scraped articles: list items, page metadata glued to the first
# sentence, a long unpunctuated headline or caption right before the datelined first sentence,
# and comment-section chrome.
REAL_PAGE = (
    "US sanctions on Turkey's defence agency take effect as Washington presses Ankara over the "
    "Russian missiles it bought\n"
    "WASHINGTON - The United States imposed sanctions on Turkey's defence procurement agency on "
    "Monday over its purchase of Russian S-400 missiles.\n"
    "The measures include:\n"
    "- a prohibition on granting US export licences to the agency.\n"
    "\u2022 an asset freeze on its president and three officials.\n"
    "Ankara called the decision a grave mistake and said it would retaliate.\n"
    "All comments\n"
    "Show new comments\n"
    "Comments (14) | Report an error\n"
)


def test_real_page_furniture_never_becomes_a_brief_sentence() -> None:
    body = [s.text for s in body_sentences(REAL_PAGE)]
    assert body == [
        "The United States imposed sanctions on Turkey's defence procurement agency on Monday "
        "over its purchase of Russian S-400 missiles.",
        "Ankara called the decision a grave mistake and said it would retaliate.",
    ]
    for segment_ in body_sentences(REAL_PAGE):
        assert REAL_PAGE[segment_.start : segment_.end] == segment_.text


def test_leading_metadata_is_trimmed_from_the_first_sentence_with_its_offsets() -> None:
    text = " date 2018-08-31 In April, Putin agreed to speed up the deliveries. They began."
    first = body_sentences(text)[0]
    assert first.text == "In April, Putin agreed to speed up the deliveries."
    assert text[first.start : first.end] == first.text
    assert [s.kind for s in segment("date 2019-07-15")] == ["noise"]


@pytest.mark.parametrize(
    "line",
    [
        "All comments",
        "Show new comments",
        "Show more comments",
        "Comments are closed.",
        "Comments (14) | Report an error",
        "12 comments",
        "Leave a comment",
    ],
)
def test_comment_section_chrome_is_noise(line: str) -> None:
    assert [s.kind for s in segment(line)] == ["noise"]


def test_an_unpunctuated_line_before_a_dateline_is_a_heading_whatever_its_length() -> None:
    caption = (
        "Vehicles of the US-led coalition battling the Islamic State group patrol the town of "
        "Rmelane in Syria's Hasakeh province on Sunday afternoon"
    )
    text = f"{caption}\nALEPPO, Syria - The Turkish army started the second round of patrols."
    assert [s.kind for s in segment(text)] == ["heading", "sentence"]
    assert body_sentences(text)[0].text == "The Turkish army started the second round of patrols."


@pytest.mark.parametrize(
    "line",
    [
        "Comments from the minister were welcomed in Ankara on Monday.",
        "A date was set for the next round of talks.",
        "Section 231 of CAATSA allows a menu of sanctions.",
    ],
)
def test_sentences_that_resemble_metadata_or_chrome_are_kept(line: str) -> None:
    assert [s.text for s in body_sentences(line)] == [line]


def test_a_text_of_list_items_only_is_still_briefed_from_them() -> None:
    text = "- The first item says something.\n- The second item says more."
    assert len(body_sentences(text)) == 2
