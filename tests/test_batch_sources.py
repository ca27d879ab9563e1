"""Planning and reading shards, and the output folder's bookkeeping: no models needed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch.output import SCHEMA, is_done, prepare, read_entries, write_shard
from batch.sources import SourceError, plan, read_shard
from cli.main import main


def _jsonl(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


def _article(i: int) -> str:
    return json.dumps({"id": f"a{i}", "text": f"Article number {i}."})


def test_shards_cover_every_row_once_across_files_and_formats(tmp_path: Path) -> None:
    tmp_path = tmp_path / "_archive"  # only names inside the input are skipped for "_"
    (tmp_path / ".cache").mkdir(parents=True)
    _jsonl(tmp_path / ".cache" / "skipped.jsonl", [_article(99)])
    _jsonl(tmp_path / "b.jsonl", [_article(i) for i in range(5)] + ["", _article(5)])
    ids = [f"p{i}" for i in range(7)]
    pq.write_table(
        pa.table({"id": ids, "text": [f"text {i}" for i in range(7)]}),
        tmp_path / "a.parquet",
        row_group_size=3,
    )
    (tmp_path / "notes.txt").write_text("not an input")
    shards = plan(tmp_path, shard_size=4)
    assert [(s.source, s.first_line, s.rows) for s in shards] == [
        ("a.parquet", 1, 4),
        ("a.parquet", 5, 3),
        ("b.jsonl", 1, 4),
        ("b.jsonl", 5, 2),
    ]
    rows = [row for shard in shards for row in read_shard(shard)]
    assert [json.loads(r.text or "")["id"] for r in rows] == ids + [f"a{i}" for i in range(6)]
    assert [r.line for r in rows[7:]] == [1, 2, 3, 4, 5, 7]  # the blank line 6 is no row
    assert plan(tmp_path, shard_size=4) == shards  # the same input plans the same shards


def test_duplicates_bad_bytes_and_bom_are_marked_not_dropped(tmp_path: Path) -> None:
    lines: list[str | bytes] = [
        "\ufeff" + _article(0),
        _article(1),
        b'{"id": "bad", "text": "caf\xe9"}',
        _article(0),
        "{not json",
    ]
    shards = plan(_jsonl(tmp_path / "in.jsonl", lines), shard_size=10)
    rows = read_shard(shards[0])
    assert len(rows) == 5
    assert json.loads(rows[0].text or "")["id"] == "a0"
    assert rows[2].text is None and "not UTF-8" in (rows[2].problem or "")
    assert rows[3].duplicate_of == "in.jsonl:1"
    assert [r.duplicate_of for r in rows if r is not rows[3]] == [None] * 4


def test_unreadable_inputs_are_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        plan(tmp_path / "missing", 10)
    with pytest.raises(SourceError, match=r"no \.jsonl"):
        plan(tmp_path, 10)
    pq.write_table(pa.table({"id": [1, 2], "text": ["x", "y"]}), tmp_path / "ints.parquet")
    with pytest.raises(SourceError, match="column 'id' is int64"):
        plan(tmp_path, 10)
    (tmp_path / "ints.parquet").write_bytes(b"not parquet")
    with pytest.raises(SourceError, match="not a readable Parquet"):
        plan(tmp_path, 10)


def _result(i: int) -> dict[str, object]:
    return {
        "id": f"a{i}",
        "topics": [{"label": "x", "score": 0.9, "evidence": [{"text": "t", "start": 0, "end": 1}]}],
        "scores": {"x": 0.9, "y": 0.1},
        "brief": {"text": "t", "sentences": [], "entities": []},
        "model": {"classifier": "v1", "summarizer": "extractive"},
    }


def test_a_shard_is_done_only_with_its_entry_and_intact_part(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [_article(i) for i in range(3)])
    [shard] = plan(source, 10)
    output = tmp_path / "out"
    prepare(output)
    (output / ".tmp-leftover-part.parquet").write_text("half a file")
    prepare(output)
    assert not list(output.glob(".tmp-*"))
    assert not is_done(output, shard, read_entries(output).get(shard.key))
    error = {"id": "a2", "error": {"code": "invalid_article", "message": "m", "details": {}}}
    results = [_result(0), _result(1), {**error, "model": _result(0)["model"]}]
    entry = write_shard(output, shard, results, "parquet", 1.0)
    assert entry["rows"] == 3 and entry["errors"] == 1
    assert is_done(output, shard, read_entries(output)[shard.key])
    table = pq.read_table(output)  # a reader pointed at the folder sees only the parts
    assert table.schema.equals(SCHEMA) and table.column("id").to_pylist() == ["a0", "a1", "a2"]
    part = output / entry["file"]
    part.write_bytes(part.read_bytes()[:-10])  # torn or replaced part: the shard is redone
    assert not is_done(output, shard, read_entries(output)[shard.key])


def test_ray_engine_without_ray_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    source = _jsonl(tmp_path / "in.jsonl", [_article(0)])
    assert main(["batch", str(source), str(tmp_path / "out"), "--engine", "ray"]) == 2
    assert "pip install 'newsbrief[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_folder_started_with_other_settings_or_input_is_refused(
    tmp_path: Path,
    small_artifact: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBRIEF_MODELS_DIR", str(small_artifact.parent))
    monkeypatch.setenv("NEWSBRIEF_CLASSIFIER", "weather")
    source = _jsonl(tmp_path / "in.jsonl", [_article(i) for i in range(3)])
    output = tmp_path / "out"
    output.mkdir()
    (output / "_batch.json").write_text(
        json.dumps({"format": "jsonl", "shard_size": 1000, "options": {}})
    )
    assert main(["batch", str(source), str(output)]) == 2
    assert "was started with format 'jsonl'" in capsys.readouterr().err
    (output / "_batch.json").unlink()
    (output / "_shards").mkdir(exist_ok=True)
    (output / "_shards" / "x.json").write_text(json.dumps({"key": "other.jsonl:1"}))
    assert main(["batch", str(source), str(output)]) == 2
    assert "not in" in capsys.readouterr().err
    assert main(["batch", str(source), str(source)]) == 2  # a file is no output folder
    assert "cannot be used as the output folder" in capsys.readouterr().err
    assert main(["batch", str(source), str(output), "--focus", "nope"]) == 2
    assert "'nope' is not a label" in capsys.readouterr().err
    assert not list(output.glob("part-*"))
