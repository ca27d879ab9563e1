"""Brief evaluation: references joined to articles, the baselines, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.summarizer import Summarizer
from tests.summarizer_fakes import RecordingEntities, lead_selector
from training.brief_eval import (
    Case,
    lead,
    lead_clean,
    load_cases,
    main,
    oracle,
    pagerank,
    textrank,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "brief_eval"
REFERENCES = FIXTURE / "reference_briefs.jsonl"


def _summarize(case: Case) -> str:
    summarizer = Summarizer(lead_selector(), RecordingEntities())
    return summarizer.summarize(case.text, max_sentences=3, title=case.title).text


def test_references_join_corpus_articles_and_unknown_ids_are_reported() -> None:
    cases, missing = load_cases(REFERENCES, FIXTURE)
    assert [c.id for c in cases] == ["a", "b"]  # "c" has no reference
    assert missing == ["zz-missing"]
    assert cases[0].text.startswith("Joint patrols begin")


def test_classic_lead_quotes_the_page_as_given_and_clean_lead_skips_furniture() -> None:
    (case, _), _ = load_cases(REFERENCES, FIXTURE)
    assert lead(case.text, 2) == "Joint patrols begin Joint patrols begin"
    assert lead_clean(case.text, 1) == (
        "Turkey and Russia began joint patrols on the M4 highway in Idlib on Sunday."
    )
    assert lead_clean("ANKARA - Turkey said so. It did.", 1) == "Turkey said so."


def test_dev_references_are_never_read_as_articles(tmp_path: Path) -> None:
    for name in ("corpus.jsonl", "reference_briefs.jsonl"):
        (tmp_path / name).write_text((FIXTURE / name).read_text())
    (tmp_path / "reference_briefs_dev.jsonl").write_text('{"id": "b", "reference": "x"}\n')
    cases, missing = load_cases(tmp_path / "reference_briefs.jsonl", tmp_path)
    assert [c.id for c in cases] == ["a", "b"] and missing == ["zz-missing"]


def test_pagerank_favours_the_hub_and_sums_to_one() -> None:
    chain = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    scores = pagerank(chain)
    assert scores.sum() == pytest.approx(1.0)
    assert scores[1] > scores[0] == pytest.approx(scores[2])
    assert pagerank(np.zeros((4, 4))) == pytest.approx(np.full(4, 0.25))


def test_textrank_picks_the_sentence_sharing_most_words_with_the_others() -> None:
    text = (
        "Zebras graze quietly.\n"
        "Turkish and Russian troops began joint patrols in Idlib.\n"
        "Turkish troops began patrols.\n"
        "Russian troops began patrols.\n"
        "Joint patrols began in Idlib.\n"
        "Penguins swim far."
    )
    hub = "Turkish and Russian troops began joint patrols in Idlib."
    assert textrank(text, 1) == hub
    chosen = textrank(text, 3)
    assert hub in chosen and "Zebras" not in chosen and "Penguins" not in chosen


def test_report_scores_every_system_on_the_same_articles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--references", str(REFERENCES), "--data", str(FIXTURE), "--json"]
    assert main(argv, summarize=_summarize) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 2
    assert report["missing_ids"] == ["zz-missing"]
    assert set(report["systems"]) == {
        "summarizer",
        "lead-3",
        "lead-3-clean",
        "textrank",
        "oracle",
    }
    # Article a's reference is its clean lead; article b's shares no word with anything.
    assert report["systems"]["lead-3-clean"]["rouge1"] == pytest.approx(0.5)
    assert report["systems"]["lead-3-clean"]["rougeL"] == pytest.approx(0.5)
    # The classic lead of article a is its repeated headline and byline.
    assert report["systems"]["lead-3"]["rouge1"] < 0.1
    for row in report["systems"].values():
        assert 0.0 <= row["rouge2"] <= row["rouge1"] <= 0.5
        assert row["failures"] == 0


def test_an_article_the_system_cannot_brief_scores_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "corpus.jsonl").write_text(
        json.dumps({"id": "n", "text": "Read more: nothing\nvideo", "labels": []}) + "\n"
    )
    references = tmp_path / "reference_briefs.jsonl"
    references.write_text(json.dumps({"id": "n", "reference": "Nothing happened."}) + "\n")
    argv = ["--references", str(references), "--data", str(tmp_path), "--json"]
    assert main(argv, summarize=_summarize) == 0
    summarizer_row = json.loads(capsys.readouterr().out)["systems"]["summarizer"]
    assert summarizer_row["failures"] == 1 and summarizer_row["rouge1"] == 0.0


def test_without_references_there_is_nothing_to_evaluate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--references", str(tmp_path / "none.jsonl"), "--data", str(FIXTURE)]
    assert main(argv, summarize=_summarize) == 0
    assert "no reference briefs yet" in capsys.readouterr().err


def test_the_table_names_each_system(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--references", str(REFERENCES), "--data", str(FIXTURE)], summarize=_summarize)
    table = capsys.readouterr().out
    assert "2 articles with a reference" in table
    for name in ("summarizer", "lead-3", "lead-3-clean", "textrank", "oracle"):
        assert name in table


def test_the_oracle_takes_the_sentences_that_match_the_reference() -> None:
    text = (
        "Zebras graze quietly in the park.\n"
        "Turkey and Russia began joint patrols on the M4 highway.\n"
        "Penguins swim far from the shore.\n"
        "The patrols follow a ceasefire agreed in Moscow."
    )
    reference = "Turkey and Russia began joint patrols on the M4 highway after a Moscow ceasefire."
    chosen = oracle(Case("x", text, reference))
    assert chosen.startswith("Turkey and Russia began joint patrols")
    assert "Zebras" not in chosen and "Penguins" not in chosen
