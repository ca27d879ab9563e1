"""`newsbrief batch` as a user runs it: real processes, real models, both engines.

One module-scoped back-fill (local engine) of corpus articles with bad rows mixed in feeds
the checks on its output; the Ray engine runs the same input and must write the same rows;
a driver killed with SIGKILL mid-run is rerun and every id comes out exactly once; a rerun
with another classifier is refused unless mixing is allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from models.artifact import resolve_artifact
from models.settings import ModelSettings
from training.corpus import load_corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NEWSBRIEF_TORCH_THREADS": "1"}
BAD_LINES = [
    b"{not json",
    b'{"id": "no-text"}',
    b'{"id": "blank", "text": "  \\n "}',
    b'{"id": "latin1", "text": "caf\xe9"}',
]


def _newsbrief(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or ENV,
        timeout=600,
        check=False,
    )


def _records(n: int, offset: int = 0) -> list[dict[str, str]]:
    corpus = load_corpus()
    return [
        {"id": f"{a.id}-{offset + i}", "title": a.title, "text": a.text}
        for i, a in enumerate(corpus[offset : offset + n])
    ]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """90 articles and 4 bad lines in a.jsonl (one repeating an id of its own), 90 articles
    in b.parquet (one repeating an id of a.jsonl): 185 rows, 179 distinct good articles."""
    folder = tmp_path_factory.mktemp("archive")
    first = _records(90)
    lines = [json.dumps(r).encode() for r in first]
    for i, bad in enumerate(BAD_LINES):
        lines.insert(10 + 20 * i, bad)
    lines.append(json.dumps({**first[5], "text": "a later copy"}).encode())
    (folder / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    second = [*_records(89, offset=90), {**first[7], "text": "another copy"}]
    pq.write_table(pa.Table.from_pylist(second), folder / "b.parquet", row_group_size=32)
    return folder


def _rows(output: Path) -> list[dict[str, Any]]:
    rows = []
    for part in sorted(output.glob("part-*")):
        if part.suffix == ".jsonl":
            rows += [json.loads(line) for line in part.read_text().splitlines()]
        else:
            for row in pq.read_table(part).to_pylist():
                rows.append(_from_parquet(row))
    return rows


def _from_parquet(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row in the JSON Lines shape: no null columns but the id, scores back to an
    object."""
    out = {k: v for k, v in row.items() if v is not None or k == "id"}
    if "scores" in out:
        out["scores"] = dict(out["scores"])
    if "error" in out:
        out["error"]["details"] = {
            k: v for k, v in out["error"]["details"].items() if v is not None
        }
    return out


@pytest.fixture(scope="module")
def local_run(
    archive: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    output = tmp_path_factory.mktemp("local") / "out"
    done = _newsbrief(
        "batch", str(archive), str(output), "--format", "jsonl", "--workers", "2",
        "--shard-size", "40",
    )  # fmt: skip
    return output, done


def test_local_engine_writes_every_row_once_with_errors_in_place(
    local_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    output, done = local_run
    assert done.returncode == 1, done.stderr  # some rows are errors
    assert "185 articles" in done.stderr and "6 errors" in done.stderr
    rows = _rows(output)
    assert len(rows) == 185
    good = [r for r in rows if "error" not in r]
    assert len(good) == 179 and len({r["id"] for r in good}) == 179
    errors = {(r["error"]["details"]["source"], r["error"]["details"]["line"]): r for r in rows
              if "error" in r}  # fmt: skip
    assert {key[0] for key in errors} == {"a.jsonl", "b.parquet"}
    by_code = Counter(r["error"]["code"] for r in errors.values())
    assert by_code == {"invalid_article": 4, "duplicate_id": 2}
    latin1 = next(r for r in errors.values() if "UTF-8" in r["error"]["message"])
    assert latin1["error"]["details"]["field"] == "line"
    [duplicate] = [r for r in errors.values() if r["error"]["details"].get("first") == "a.jsonl:6"]
    assert duplicate["id"] == good[5]["id"]
    manifest = json.loads((output / "_manifest.json").read_text())
    assert manifest["complete"] and manifest["rows_done"] == 185 and len(manifest["models"]) == 1
    assert all(s["status"] == "done" and len(s["ids_sha256"]) == 64 for s in manifest["shards"])


def test_results_are_the_cli_analyze_objects(
    archive: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    rows = {r["id"]: r for r in _rows(local_run[0]) if "error" not in r}
    sample = _records(12, offset=30)
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in sample))
    done = _newsbrief("analyze", str(tmp_path / "in.jsonl"))
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        expected = json.loads(line)
        got = dict(rows[expected["id"]])
        assert set(got.pop("model")) == {"classifier", "summarizer"}
        assert got == expected


def test_ray_engine_writes_the_same_rows_as_the_local_engine(
    archive: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    output = tmp_path / "ray-out"
    done = _newsbrief(
        "batch", str(archive), str(output), "--engine", "ray", "--workers", "2",
        "--shard-size", "40",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "185 articles" in done.stderr
    key = "id"
    local_rows = sorted(_rows(local_run[0]), key=lambda r: json.dumps(r, sort_keys=True))
    ray_rows = sorted(_rows(output), key=lambda r: json.dumps(r, sort_keys=True))
    assert len(ray_rows) == 185 and [r.get(key) for r in ray_rows] == [
        r.get(key) for r in local_rows
    ]
    assert ray_rows == local_rows
    again = _newsbrief("batch", str(archive), str(output), "--engine", "ray", "--shard-size", "40")
    assert "6 already done, 0 to do" in again.stderr, again.stderr


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_rerun_after_kill_9_of_the_driver_has_every_id_exactly_once(tmp_path: Path) -> None:
    records = _records(100, offset=200)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    output = tmp_path / "out"
    command = [sys.executable, "-m", "cli", "batch", str(source), str(output), "--workers", "2",
               "--shard-size", "5"]  # fmt: skip
    driver = subprocess.Popen(
        command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while len(list((output / "_shards").glob("*.json"))) < 3:
        assert driver.poll() is None and time.monotonic() < deadline, "run ended before the kill"
        time.sleep(0.2)
    workers = _children(driver.pid)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    finished_before = len(list((output / "_shards").glob("*.json")))
    assert finished_before < 20, "the kill came too late to test a resume"
    while any(_alive(pid) for pid in workers):  # orphaned workers notice and exit
        assert time.monotonic() < deadline
        time.sleep(0.2)
    rerun = _newsbrief(*command[3:])
    assert rerun.returncode == 0, rerun.stderr
    already = int(rerun.stderr.split(" already done")[0].rsplit(", ", 1)[1])
    assert finished_before <= already < 20  # kept what was finished, redid the rest
    ids = [row["id"] for row in _rows(output)]
    assert Counter(ids) == Counter(r["id"] for r in records)  # each exactly once
    assert json.loads((output / "_manifest.json").read_text())["complete"]


def test_a_rerun_with_another_classifier_is_refused_unless_mixing_is_allowed(
    archive: Path,
    local_run: tuple[Path, subprocess.CompletedProcess[str]],
    small_artifact: Path,
    tmp_path: Path,
) -> None:
    output = tmp_path / "out"
    subprocess.run(["cp", "-r", str(local_run[0]), str(output)], check=True)
    # Only the classifier differs: the small one beside the same brief selector.
    models_dir = tmp_path / "models"
    shutil.copytree(small_artifact, models_dir / small_artifact.name)
    brief = resolve_artifact(ModelSettings.from_env().models_dir, "brief")
    shutil.copytree(brief, models_dir / brief.name)
    other = {
        **ENV,
        "NEWSBRIEF_MODELS_DIR": str(models_dir),
        "NEWSBRIEF_CLASSIFIER": "weather",
    }
    args = ("batch", str(archive), str(output), "--format", "jsonl", "--shard-size", "40")
    refused = _newsbrief(*args, env=other)
    assert refused.returncode == 2
    assert "were written by" in refused.stderr and "--allow-mixed-models" in refused.stderr
    entries = {path: json.loads(path.read_text()) for path in (output / "_shards").glob("*.json")}
    entry = min(entries, key=lambda path: entries[path]["rows"])  # the cheapest shard to redo
    redo = entries[entry]["rows"]
    entry.unlink()
    mixed = _newsbrief(*args, "--workers", "1", "--allow-mixed-models", env=other)
    assert mixed.returncode == 1, mixed.stderr
    assert f"{redo} articles" in mixed.stderr
    manifest = json.loads((output / "_manifest.json").read_text())
    assert manifest["complete"] and len(manifest["models"]) == 2
    assert len(_rows(output)) == 185
