"""Page furniture that models.text learnt to recognise for the brief (it must never be picked).

The rules live in models/text.py, shared with the classifier; test_text.py covers the original
ones, these cover the additions: furniture sharing a line with article text, caption credits
in brackets, wire-service credit lines.
"""

from __future__ import annotations

import pytest

from models.text import segment, sentences


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
