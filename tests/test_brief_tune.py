"""Weight tuning on development references: every grid point scored, embeddings computed once."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from models.extractive import DEFAULT_WEIGHTS
from tests.summarizer_fakes import BagOfWordsEncoder
from training.brief_tune import CachingEncoder, grid, main, marginals

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "brief_eval"
ARGS = ["--references", str(FIXTURE / "reference_briefs.jsonl"), "--data", str(FIXTURE)]


def test_the_caching_encoder_encodes_each_text_once() -> None:
    inner = BagOfWordsEncoder()
    cached = CachingEncoder(inner)
    first = cached.encode(["a b", "c d", "a b"])
    second = cached.encode(["c d", "e"])
    assert inner.calls == [["a b", "c d"], ["e"]]
    assert (first[0] == first[2]).all() and (second[0] == first[1]).all()


def test_the_grid_holds_the_default_and_only_valid_weights() -> None:
    points = grid()
    assert DEFAULT_WEIGHTS in points
    assert all(abs(w.centrality + w.position - 1.0) < 1e-9 for w in points)


def test_every_grid_point_is_scored_best_first(capsys: pytest.CaptureFixture[str]) -> None:
    encoder = BagOfWordsEncoder()
    assert main([*ARGS, "--json"], encoder=encoder) == 0
    report = json.loads(capsys.readouterr().out)
    rows = report["rows"]
    assert report["n"] == 2 and len(rows) == len(grid())
    means = [row["mean"] for row in rows]
    assert means == sorted(means, reverse=True)
    assert any(all(row[k] == v for k, v in asdict(DEFAULT_WEIGHTS).items()) for row in rows)
    # Article a's reference is exactly its clean lead: 1.0 there, 0 on b, mean 0.5.
    assert report["lead_clean"]["rouge1"] == pytest.approx(0.5)
    # Each sentence was embedded once, whatever the number of grid points.
    encoded = [text for call in encoder.calls for text in call]
    assert len(encoded) == len(set(encoded)) == 5 + 4


def test_marginals_average_each_value_over_the_rest() -> None:
    rows = [
        {"position": 0.5, "position_scale": 2.0, "mmr_lambda": 0.7, "mean": 0.2},
        {"position": 0.5, "position_scale": 3.0, "mmr_lambda": 0.7, "mean": 0.4},
        {"position": 0.9, "position_scale": 2.0, "mmr_lambda": 0.7, "mean": 0.6},
    ]
    assert marginals(rows) == {
        "position": {0.5: 0.3, 0.9: 0.6},
        "position_scale": {2.0: 0.4, 3.0: 0.4},
        "mmr_lambda": {0.7: 0.4},
    }


def test_the_table_marks_the_current_default(capsys: pytest.CaptureFixture[str]) -> None:
    main(ARGS, encoder=BagOfWordsEncoder())
    table = capsys.readouterr().out
    assert "(current default)" in table and "lead-3-clean" in table
