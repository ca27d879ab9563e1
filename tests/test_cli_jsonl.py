"""The CLI's JSON Lines contract: order, ids, bad lines, stdin, plain text, exit status."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.jsonl import InputError, process, read_input
from cli.main import build_parser
from models.article import Article, ArticleError


def _echo(articles: list[Article]) -> list[dict[str, Any] | ArticleError]:
    """Stands in for the models: the contract under test is the I/O around them."""
    return [{"id": a.id, "words": len(a.text.split())} for a in articles]


def _run(tmp_path: Path, content: str) -> tuple[int, list[dict[str, Any]], str]:
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = process(read_input(str(path)), _echo, out, err)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_results_keep_input_order_and_ids_across_batches(tmp_path: Path) -> None:
    rows = [{"id": f"a{i}", "text": "word " * (i + 1)} for i in range(70)]
    status, results, err = _run(tmp_path, "\n".join(json.dumps(r) for r in rows))
    assert status == 0 and err == ""
    assert [r["id"] for r in results] == [f"a{i}" for i in range(70)]
    assert [r["words"] for r in results] == list(range(1, 71))


def test_bad_lines_get_error_objects_in_place_and_others_still_run(tmp_path: Path) -> None:
    content = "\n".join(
        [
            json.dumps({"id": "ok1", "text": "one two"}),
            "{not json",
            json.dumps({"id": "empty", "text": "   "}),
            json.dumps({"text": "no id"}),
            json.dumps({"id": "ok2", "text": "three"}),
            json.dumps(["a", "list"]),
        ]
    )
    status, results, err = _run(tmp_path, content)
    assert status == 1
    assert len(results) == 6
    assert results[0] == {"id": "ok1", "words": 2}
    assert results[4] == {"id": "ok2", "words": 1}
    assert results[1]["error"]["details"] == {"line": 2, "field": "line"}
    assert results[2]["id"] == "empty" and results[2]["error"]["details"]["field"] == "text"
    assert results[3]["error"]["details"]["field"] == "id"
    assert results[5]["error"]["details"]["field"] == "article"
    assert all(r["error"]["code"] == "invalid_article" for r in results[1:4])
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "line 2",
        "line 3",
        "line 4",
        "line 6",
    ]


def test_blank_lines_are_skipped_and_line_numbers_stay_true(tmp_path: Path) -> None:
    status, results, _ = _run(tmp_path, '\n{"id": "x", "text": "a"}\n\n{"id": "y"}\n')
    assert status == 1
    assert results[0]["id"] == "x"
    assert results[1]["error"]["details"]["line"] == 4


def test_plain_text_file_is_one_article_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Turkey and Russia agreed.\nThe patrols begin Monday.", encoding="utf-8")
    lines = read_input(str(path))
    assert len(lines) == 1 and lines[0].article is not None
    assert lines[0].article.id == "story"


def test_stdin_is_read_with_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"id": "s1", "text": "from stdin"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    lines = read_input("-")
    assert [line.article.id for line in lines if line.article] == ["s1"]


def test_unreadable_input_is_refused_as_a_whole(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_input(str(tmp_path / "missing.jsonl"))
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes('{"id": "x", "text": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_input(str(bad))


def test_progress_bar_only_on_long_runs(tmp_path: Path) -> None:
    rows = "\n".join(json.dumps({"id": str(i), "text": "x"}) for i in range(250))
    status, results, err = _run(tmp_path, rows)
    assert status == 0 and len(results) == 250
    assert "250/250" in err
    _, _, short_err = _run(tmp_path, rows.split("\n", 1)[0])
    assert short_err == ""


@pytest.mark.parametrize("command", ["train", "evaluate", "classify", "brief", "analyze", "serve"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: newsbrief " + command in capsys.readouterr().out
