"""Input files, their cut into shards, and reading one shard back.

The driver plans once: it lists the input files, checks each can be read, reads every id (to
find duplicates across the whole input) and cuts each file into shards of at most
``shard_size`` rows. A shard is named by its file and first line, so the same input and shard
size give the same shards on every run, which is what lets a rerun skip finished ones.

A row is kept as the text it came in (a JSON Lines line; a Parquet row as JSON): parsing it
into an article, and any error that finds, happens where the row is analysed, with the same
code the CLI uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
COLUMNS = ("id", "title", "text")
REQUIRED_COLUMNS = ("id", "text")


class SourceError(Exception):
    """An input file that cannot be read as a whole (the run does not start)."""


@dataclass(frozen=True, slots=True)
class Shard:
    """A run of consecutive rows of one input file; the unit of work, output and resume.

    ``start``/``stop`` are byte offsets for JSON Lines and row indexes for Parquet;
    ``duplicates`` maps the line of a row whose id appeared earlier in the input to where.
    """

    key: str
    source: str
    path: str
    format: str
    start: int
    stop: int
    first_line: int
    rows: int
    fingerprint: str
    duplicates: dict[int, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """File-name-safe and unique: the key's hash, after a readable stem."""
        stem = "".join(c if c.isalnum() else "_" for c in Path(self.source).stem)[:40]
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:12]
        return f"{stem}-L{self.first_line}-{digest}"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One input row: its 1-based line (or Parquet row) number and its text, or why it has
    none (a line that is not UTF-8)."""

    line: int
    text: str | None
    problem: str | None
    duplicate_of: str | None


def discover(root: Path) -> list[tuple[Path, str]]:
    """(path, name relative to the input) of every input file, in a stable order."""
    if root.is_file():
        return [(root, root.name)]
    if not root.is_dir():
        raise SourceError(f"{root}: no such file or directory")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    files = [
        p for p in files if not any(x.startswith((".", "_")) for x in p.relative_to(root).parts)
    ]
    if not files:
        raise SourceError(f"{root}: no .jsonl, .ndjson or .parquet files in it")
    return [(p, p.relative_to(root).as_posix()) for p in files]


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"{path}: expected a .jsonl, .ndjson or .parquet file")
    return fmt


def fingerprint(path: Path) -> str:
    """Size and modification time: enough to see that a file changed since a shard of it was
    written, without reading it again."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _jsonl_lines(path: Path) -> Iterator[tuple[int, int, int, bytes]]:
    """(line number, byte start, byte end, content) of each non-blank line."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if raw.strip():
                yield number, start, offset, raw


def _jsonl_id(raw: bytes, first: bool) -> str | None:
    try:
        text = raw.decode("utf-8")
        record = json.loads(text.removeprefix("\ufeff") if first else text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    value = record.get("id") if isinstance(record, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _check_parquet(path: Path) -> pq.ParquetFile:
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise SourceError(f"{path}: not a readable Parquet file ({error})") from None
    schema = parquet.schema_arrow
    for name in COLUMNS:
        if name not in schema.names:
            if name in REQUIRED_COLUMNS:
                raise SourceError(f"{path}: no {name!r} column (columns: {schema.names})")
            continue
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise SourceError(f"{path}: column {name!r} is {kind}; expected strings")
    return parquet


def plan(root: Path, shard_size: int) -> list[Shard]:
    """Every shard of the input, in input order, with duplicate ids marked (the first
    occurrence in that order is the one analysed)."""
    seen: dict[str, str] = {}
    shards: list[Shard] = []
    for path, source in discover(root):
        fmt = file_format(path)
        stamp = fingerprint(path)
        if fmt == "jsonl":
            shards.extend(_plan_jsonl(path, source, stamp, shard_size, seen))
        else:
            shards.extend(_plan_parquet(path, source, stamp, shard_size, seen))
    return shards


def _note(seen: dict[str, str], raw_id: str | None, where: str) -> str | None:
    """Where ``raw_id`` was first seen, if before; otherwise record it here."""
    if raw_id is None:
        return None
    first = seen.setdefault(raw_id, where)
    return first if first != where else None


def _plan_jsonl(
    path: Path, source: str, stamp: str, shard_size: int, seen: dict[str, str]
) -> Iterator[Shard]:
    chunk: list[tuple[int, int, int]] = []
    duplicates: dict[int, str] = {}
    for number, start, end, raw in _jsonl_lines(path):
        first = _note(seen, _jsonl_id(raw, number == 1), f"{source}:{number}")
        if first is not None:
            duplicates[number] = first
        chunk.append((number, start, end))
        if len(chunk) == shard_size:
            yield _jsonl_shard(path, source, stamp, chunk, duplicates)
            chunk, duplicates = [], {}
    if chunk:
        yield _jsonl_shard(path, source, stamp, chunk, duplicates)


def _jsonl_shard(
    path: Path, source: str, stamp: str, chunk: list[tuple[int, int, int]], dups: dict[int, str]
) -> Shard:
    first_line = chunk[0][0]
    return Shard(
        key=f"{source}:{first_line}",
        source=source,
        path=str(path),
        format="jsonl",
        start=chunk[0][1],
        stop=chunk[-1][2],
        first_line=first_line,
        rows=len(chunk),
        fingerprint=stamp,
        duplicates=dups,
    )


def _plan_parquet(
    path: Path, source: str, stamp: str, shard_size: int, seen: dict[str, str]
) -> Iterator[Shard]:
    parquet = _check_parquet(path)
    ids = parquet.read(columns=["id"]).column("id").to_pylist()
    for start in range(0, len(ids), shard_size):
        stop = min(start + shard_size, len(ids))
        duplicates: dict[int, str] = {}
        for row in range(start, stop):
            value = ids[row] if ids[row] and ids[row].strip() else None
            first = _note(seen, value, f"{source}:{row + 1}")
            if first is not None:
                duplicates[row + 1] = first
        yield Shard(
            key=f"{source}:{start + 1}",
            source=source,
            path=str(path),
            format="parquet",
            start=start,
            stop=stop,
            first_line=start + 1,
            rows=stop - start,
            fingerprint=stamp,
            duplicates=duplicates,
        )


def read_shard(shard: Shard) -> list[SourceRow]:
    """The shard's rows, each as the text the analysis parses."""
    if shard.format == "jsonl":
        return _read_jsonl(shard)
    return _read_parquet(shard)


def _read_jsonl(shard: Shard) -> list[SourceRow]:
    with open(shard.path, "rb") as handle:
        handle.seek(shard.start)
        data = handle.read(shard.stop - shard.start)
    rows = []
    for offset, raw in enumerate(data.splitlines()):
        if not raw.strip():
            continue
        line = shard.first_line + offset
        try:
            text: str | None = raw.decode("utf-8")
            problem = None
        except UnicodeDecodeError as error:
            text, problem = None, f"not UTF-8 text ({error.reason} at byte {error.start})"
        if text is not None and line == 1:
            text = text.removeprefix("\ufeff")
        rows.append(SourceRow(line, text, problem, shard.duplicates.get(line)))
    return rows


def _read_parquet(shard: Shard) -> list[SourceRow]:
    records = _parquet_rows(Path(shard.path), shard.start, shard.stop)
    return [
        SourceRow(
            shard.first_line + i,
            json.dumps(record, ensure_ascii=False),
            None,
            shard.duplicates.get(shard.first_line + i),
        )
        for i, record in enumerate(records)
    ]


def _parquet_rows(path: Path, start: int, stop: int) -> list[dict[str, Any]]:
    """Rows [start, stop) reading only the row groups that hold them."""
    parquet = pq.ParquetFile(path)
    columns = [c for c in COLUMNS if c in parquet.schema_arrow.names]
    groups, first_row, offset = [], None, 0
    for index in range(parquet.metadata.num_row_groups):
        size = parquet.metadata.row_group(index).num_rows
        if offset + size > start and offset < stop:
            groups.append(index)
            first_row = offset if first_row is None else first_row
        offset += size
    if not groups:
        return []
    assert first_row is not None
    table = parquet.read_row_groups(groups, columns=columns)
    records = table.slice(start - first_row, stop - start).to_pylist()
    return [{k: v for k, v in record.items() if v is not None} for record in records]
