"""`newsbrief` as a user runs it: a real process, real models, JSON Lines on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.seed_gold import GOLD, KNOWN_MISSES, SEEDS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _newsbrief(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_classify_from_stdin_keeps_order_ids_and_reports_bad_lines() -> None:
    lines = [json.dumps({"id": name, "text": (SEEDS / name).read_text()}) for name in sorted(GOLD)]
    lines.insert(2, '{"id": "broken", "text": ')
    lines.append(json.dumps({"id": "blank", "text": " \n "}))
    done = _newsbrief("classify", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 1, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r.get("id") for r in results] == [*sorted(GOLD)[:2], None, *sorted(GOLD)[2:], "blank"]
    assert results[2]["error"]["details"]["line"] == 3
    assert results[-1]["error"]["details"]["field"] == "text"
    assert "line 3:" in done.stderr and "line 7:" in done.stderr
    for result in results:
        if result.get("id") in GOLD:
            if result["id"] not in KNOWN_MISSES:
                assert sorted(t["label"] for t in result["topics"]) == GOLD[result["id"]]
            assert len(result["scores"]) == 4 and "brief" not in result


def test_classify_a_plain_text_file() -> None:
    done = _newsbrief("classify", str(SEEDS / "003_f91d56c5f1ad966d.txt"))
    assert done.returncode == 0, done.stderr
    [result] = [json.loads(line) for line in done.stdout.splitlines()]
    assert result["id"] == "003_f91d56c5f1ad966d"
    assert sorted(t["label"] for t in result["topics"]) == ["air_defense_procurement", "sanctions"]


def test_evaluate_json_reports_model_beside_keyword_baseline() -> None:
    done = _newsbrief("evaluate", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for key in ("macro_f1", "micro_f1", "exact_match", "n", "labels", "baseline"):
        assert key in report
    assert set(report["labels"]["sanctions"]) == {"precision", "recall", "f1", "support"}
    assert report["baseline"]["name"] == "keywords"
    assert report["n"] == report["baseline"]["n"] > 100


def test_missing_input_file_is_a_clear_error() -> None:
    done = _newsbrief("classify", "no/such/file.jsonl")
    assert done.returncode == 2
    assert "no such file" in done.stderr and done.stdout == ""
