"""Focused-brief evaluation: per-topic references, the focused and unfocused brief and the
keywords-first baseline on the same articles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from models.analyzer import Analyzer
from models.results import Evidence
from models.summarizer import Summarizer
from models.text import body_sentences
from tests.summarizer_fakes import RecordingEntities, lead_selector
from training.brief_eval import Case
from training.brief_focus import keywords_first, load_focus_cases, main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "brief_eval"
REFERENCES = FIXTURE / "reference_briefs_focus.jsonl"


class _LateEvidence:
    """Says the article's fourth body sentence supports any topic asked about."""

    labels: tuple[str, ...] = ("sanctions",)
    version = "test"

    def predict(self, texts, titles=None, min_score=None):  # type: ignore[no-untyped-def]
        raise AssertionError("a brief does not classify")

    def explain(self, text: str, labels: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        target = body_sentences(text)[3]
        return {label: (Evidence(target.text, target.start, target.end),) for label in labels}


def test_focus_references_join_their_articles_with_the_label() -> None:
    cases, missing = load_focus_cases(REFERENCES, FIXTURE)
    assert [(c.id, c.label) for c in cases] == [("a", "sanctions")]
    assert missing == ["zz-missing"]


def test_keywords_first_takes_sentences_naming_the_topic_then_the_lead() -> None:
    text = (
        "Troops patrolled the border on Sunday.\n"
        "Officials met in Ankara.\n"
        "Washington threatened sanctions over the purchase.\n"
        "The embargo would cover spare parts."
    )
    brief = keywords_first(Case("x", text, ""), "sanctions", 3)
    assert brief == (
        "Troops patrolled the border on Sunday. Washington threatened sanctions over the "
        "purchase. The embargo would cover spare parts."
    )


def test_the_report_scores_focused_unfocused_and_keywords_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    analyzer = Analyzer(_LateEvidence(), Summarizer(lead_selector(), RecordingEntities()))
    argv = ["--references", str(REFERENCES), "--data", str(FIXTURE), "--json"]
    assert main(argv, analyzer=analyzer) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 1 and report["missing_ids"] == ["zz-missing"]
    systems = report["systems"]
    assert set(systems) == {"focused", "unfocused", "keywords-first"}
    # The reference restates the evidence sentence, which only the focused brief takes.
    assert systems["focused"]["rouge1"] > systems["unfocused"]["rouge1"]
