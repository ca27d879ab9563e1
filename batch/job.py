"""What every worker of a run needs to know, and the work one shard is."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch.analysis import analyze_rows, model_versions
from batch.output import write_shard
from batch.sources import Shard, read_shard
from models.analyzer import AnalysisOptions, Analyzer


class ModelMismatch(RuntimeError):
    """A worker loaded other models than the run was checked against."""


@dataclass(frozen=True, slots=True)
class Job:
    """A run's settings, as sent to each worker process or Ray actor."""

    output: Path
    format: str
    options: AnalysisOptions
    versions: dict[str, str]
    torch_threads: int | None


def check_versions(analyzer: Analyzer, job: Job) -> dict[str, str]:
    """The loaded models' versions, if they are the ones the run expects."""
    loaded = model_versions(analyzer)
    if loaded != job.versions:
        raise ModelMismatch(
            f"this worker loaded {loaded}, but the run was checked against {job.versions}: "
            "every worker must see the same NEWSBRIEF_MODELS_DIR artifact"
        )
    return loaded


def process_shard(
    analyzer: Analyzer, job: Job, shard: Shard, progress: Callable[[int], None]
) -> dict[str, Any]:
    """Read, analyse and write one shard; return its manifest entry."""
    started = time.monotonic()
    rows = read_shard(shard)
    results = analyze_rows(analyzer, job.options, shard.source, rows, job.versions, progress)
    return write_shard(job.output, shard, results, job.format, time.monotonic() - started)
