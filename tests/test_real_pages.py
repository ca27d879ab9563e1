"""The real-pages index: texts stay out of it, and a changed or missing text is noticed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from training.corpus import CorpusError
from training.metrics import expected_calibration_error
from training.real import INDEX_PATH, import_pages, is_index, load_real, missing, read_index


def _collected(path: Path, pages: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    return path


PAGES = [
    {
        "id": "p1",
        "url": "https://a.example/1",
        "query": "q one",
        "text": "One page. It is short.",
        "labels": ["sanctions"],
        "notes": "wire",
    },
    {
        "id": "p2",
        "url": "https://a.example/2",
        "query": "q two",
        "text": "Another page here.",
        "labels": [],
        "notes": "listing",
    },
]


def test_import_writes_an_index_without_text_and_loads_back(tmp_path: Path) -> None:
    index = tmp_path / "real" / "index.jsonl"
    assert import_pages(_collected(tmp_path / "c.jsonl", PAGES), index) == 2
    assert '"text"' not in index.read_text(encoding="utf-8")
    assert is_index(index)
    rows = read_index(index)
    assert [r["words"] for r in rows] == [5, 3]
    articles = load_real(index)
    assert [(a.id, a.text, a.labels) for a in articles] == [
        ("p1", "One page. It is short.", ("sanctions",)),
        ("p2", "Another page here.", ()),
    ]


def test_import_skips_a_new_id_for_a_page_already_indexed(tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    import_pages(_collected(tmp_path / "c.jsonl", PAGES), index)
    again = [{**PAGES[0], "id": "p9"}]
    assert import_pages(_collected(tmp_path / "d.jsonl", again), index) == 0
    assert len(read_index(index)) == 2


def test_a_changed_text_is_refused(tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    import_pages(_collected(tmp_path / "c.jsonl", PAGES), index)
    (tmp_path / "texts" / "p1.txt").write_text("One page. It was edited.", encoding="utf-8")
    with pytest.raises(CorpusError, match="sha256"):
        load_real(index)


def test_a_missing_text_says_how_to_collect_it(tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    import_pages(_collected(tmp_path / "c.jsonl", PAGES), index)
    (tmp_path / "texts" / "p2.txt").unlink()
    with pytest.raises(CorpusError, match="README"):
        load_real(index)


def test_an_index_carrying_text_is_refused(tmp_path: Path) -> None:
    index = _collected(tmp_path / "index.jsonl", [{**PAGES[0], "words": 5, "sha256": "x"}])
    with pytest.raises(CorpusError, match="must not carry page text"):
        read_index(index)


def test_the_committed_index_is_well_formed() -> None:
    rows = read_index(INDEX_PATH)
    assert len(rows) >= 200
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["url"] for r in rows}) == len(rows)
    assert len({r["query"] for r in rows}) >= 40


def test_calibration_error_is_zero_when_scores_come_true_and_large_when_they_do_not() -> None:
    truth = np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    assert expected_calibration_error(truth.astype(float), truth) == 0.0
    assert expected_calibration_error(np.full(10, 0.5), truth) == pytest.approx(0.0)
    assert expected_calibration_error(1.0 - truth, truth) == pytest.approx(1.0)


def test_a_recollected_page_keeps_its_labels_and_updates_its_hash(tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    import_pages(_collected(tmp_path / "c.jsonl", PAGES), index)
    (tmp_path / "texts" / "p1.txt").unlink()
    assert [r["id"] for r in missing(index)] == ["p1"]
    again = [
        {
            "id": "p1",
            "url": "https://a.example/1",
            "query": "q",
            "text": "One page, re-read.",
            "labels": [],
        }
    ]
    assert import_pages(_collected(tmp_path / "d.jsonl", again), index) == 1
    [row] = [r for r in read_index(index) if r["id"] == "p1"]
    assert row["labels"] == ["sanctions"] and row["query"] == "q one" and row["words"] == 3
    assert missing(index) == []
    assert load_real(index)[0].text == "One page, re-read."
