"""The output folder: one file per shard, its manifest entry, and the run's settings.

Layout of OUTPUT:

- ``part-<shard>.parquet`` (or ``.jsonl``): one row per input row of the shard;
- ``_shards/<shard>.json``: the shard's manifest entry (rows, errors, ids hash, model versions,
  status), written only after its part file is in place;
- ``_batch.json``: the format, shard size and analysis options the folder was started with;
- ``_manifest.json``: every shard of the input and its status, rewritten at the end of a run.

Every file is written to a dot-prefixed temporary name in the same folder and renamed into
place, so a kill at any moment leaves either the old file or the whole new one. A shard counts
as done only when its entry exists and the part file it names has the size it records; the
names start with ``_`` or ``.`` except the parts, so a Parquet reader pointed at OUTPUT reads
only the results.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from batch.sources import Shard

ENTRIES = "_shards"
SETTINGS = "_batch.json"
MANIFEST = "_manifest.json"

_EVIDENCE = pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        (
            "topics",
            pa.list_(
                pa.struct(
                    [
                        ("label", pa.string()),
                        ("score", pa.float64()),
                        ("evidence", pa.list_(_EVIDENCE)),
                    ]
                )
            ),
        ),
        ("scores", pa.map_(pa.string(), pa.float64())),
        (
            "brief",
            pa.struct(
                [
                    ("text", pa.string()),
                    (
                        "sentences",
                        pa.list_(
                            pa.struct(
                                [
                                    ("text", pa.string()),
                                    ("start", pa.int64()),
                                    ("end", pa.int64()),
                                    ("score", pa.float64()),
                                ]
                            )
                        ),
                    ),
                    (
                        "entities",
                        pa.list_(
                            pa.struct(
                                [
                                    ("text", pa.string()),
                                    ("label", pa.string()),
                                    ("count", pa.int64()),
                                ]
                            )
                        ),
                    ),
                ]
            ),
        ),
        (
            "error",
            pa.struct(
                [
                    ("code", pa.string()),
                    ("message", pa.string()),
                    (
                        "details",
                        pa.struct(
                            [
                                ("source", pa.string()),
                                ("line", pa.int64()),
                                ("field", pa.string()),
                                ("first", pa.string()),
                            ]
                        ),
                    ),
                ]
            ),
        ),
        ("model", pa.struct([("classifier", pa.string()), ("summarizer", pa.string())])),
    ]
)


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` to a temporary file beside ``path``, flush it to disk, then rename it."""
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    try:
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, indent=1, sort_keys=True) + "\n"
    write_atomic(path, lambda p: _write_text(p, text))


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _parquet_row(result: dict[str, Any]) -> dict[str, Any]:
    row = dict(result)
    if "scores" in row:
        row["scores"] = list(row["scores"].items())
    return row


def _write_results(path: Path, results: Sequence[dict[str, Any]], fmt: str) -> None:
    if fmt == "parquet":
        table = pa.Table.from_pylist([_parquet_row(r) for r in results], schema=SCHEMA)
        pq.write_table(table, path)
    else:
        with path.open("w", encoding="utf-8") as handle:
            for result in results:
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")


def ids_sha256(ids: Sequence[str | None]) -> str:
    """A hash of the shard's ids in row order (a missing id counts as empty)."""
    digest = hashlib.sha256()
    for value in ids:
        digest.update((value or "").encode() + b"\n")
    return digest.hexdigest()


def write_shard(
    output: Path, shard: Shard, results: Sequence[dict[str, Any]], fmt: str, seconds: float
) -> dict[str, Any]:
    """Write the shard's part file, then its manifest entry; return the entry."""
    if len(results) != shard.rows:
        raise ValueError(f"shard {shard.key}: {len(results)} results for {shard.rows} rows")
    part = output / f"part-{shard.name}.{fmt}"
    write_atomic(part, lambda p: _write_results(p, results, fmt))
    versions = {json.dumps(r["model"], sort_keys=True) for r in results}
    entry = {
        "key": shard.key,
        "source": shard.source,
        "first_line": shard.first_line,
        "fingerprint": shard.fingerprint,
        "rows": len(results),
        "errors": sum(1 for r in results if "error" in r),
        "ids_sha256": ids_sha256([r.get("id") for r in results]),
        "models": [json.loads(v) for v in sorted(versions)],
        "file": part.name,
        "bytes": part.stat().st_size,
        "seconds": round(seconds, 3),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "status": "done",
    }
    write_json(output / ENTRIES / f"{shard.name}.json", entry)
    return entry


def prepare(output: Path) -> None:
    """Create the folder and remove temporary files a killed run left behind."""
    (output / ENTRIES).mkdir(parents=True, exist_ok=True)
    for folder in (output, output / ENTRIES):
        for leftover in folder.glob(".tmp-*"):
            leftover.unlink(missing_ok=True)


def read_entries(output: Path) -> dict[str, dict[str, Any]]:
    """Manifest entries by shard key; an unreadable entry is ignored (its shard is redone)."""
    entries = {}
    for path in sorted((output / ENTRIES).glob("*.json")):
        try:
            entry = json.loads(path.read_text())
            entries[entry["key"]] = entry
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return entries


def is_done(output: Path, shard: Shard, entry: dict[str, Any] | None) -> bool:
    """Finished by an earlier run on the same input file, and its part file intact."""
    if entry is None or entry.get("status") != "done" or entry.get("rows") != shard.rows:
        return False
    if entry.get("fingerprint") != shard.fingerprint:
        return False
    part = output / str(entry.get("file"))
    return part.is_file() and part.stat().st_size == entry.get("bytes")


def build_manifest(
    output: Path, shards: Sequence[Shard], entries: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Every shard of the input with its entry, or status 'pending' if it has none yet."""
    listed = []
    for shard in shards:
        entry = entries.get(shard.key)
        if entry is not None and is_done(output, shard, entry):
            listed.append(entry)
        else:
            listed.append({"key": shard.key, "rows": shard.rows, "status": "pending"})
    done = [e for e in listed if e["status"] == "done"]
    manifest = {
        "shards": listed,
        "rows": sum(s.rows for s in shards),
        "rows_done": sum(e["rows"] for e in done),
        "errors": sum(e["errors"] for e in done),
        "models": sorted(
            {json.dumps(m, sort_keys=True) for e in done for m in e["models"]},
        ),
        "complete": len(done) == len(shards),
    }
    manifest["models"] = [json.loads(m) for m in manifest["models"]]
    return manifest
