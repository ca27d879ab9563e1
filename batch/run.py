"""One back-fill run: plan the shards, check the output folder, run an engine, summarise.

Before any work starts, the run refuses (exit 2) an output folder it would corrupt: one
started with another format, shard size or analysis options, one holding shards that are not
in this input, or one whose finished shards were written by other models (unless
``allow_mixed_models``). Everything it does not refuse, it finishes or leaves for the next run:
finished shards are skipped, the rest done, and ``_manifest.json`` says which is which.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from batch.job import Job
from batch.output import (
    MANIFEST,
    SETTINGS,
    build_manifest,
    is_done,
    prepare,
    read_entries,
    write_json,
)
from batch.sources import Shard, SourceError, plan
from cli.progress import Progress
from models.analyzer import AnalysisOptions, NotBuiltError
from models.artifact import ArtifactError, read_meta, resolve_artifact
from models.settings import ModelSettings

RAY_INSTALL = (
    "--engine ray needs Ray Data, an optional extra: pip install 'newsbrief[ray]' "
    "(in a checkout: .venv/bin/pip install -e '.[ray]')"
)


class BatchRefused(Exception):
    """The run cannot start, or would mix what must not be mixed; nothing was written."""


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """Everything `newsbrief batch` was asked to do."""

    input: Path
    output: Path
    format: str
    shard_size: int
    engine: str
    workers: int | None
    address: str | None
    allow_mixed_models: bool
    options: AnalysisOptions


def expected_versions(settings: ModelSettings, focus: tuple[str, ...]) -> dict[str, str]:
    """The versions the workers will load, read from the artifact's metadata (nothing is
    unpickled on the driver, which on a cluster need not hold the models at all); a focus
    label the classifier does not know is refused here, before any work."""
    try:
        directory = resolve_artifact(settings.models_dir, settings.classifier)
        meta = read_meta(directory)
    except ArtifactError as error:
        raise NotBuiltError(str(error)) from None
    labels = list(meta.get("labels", []))
    unknown = [label for label in focus if label not in labels]
    if unknown:
        raise BatchRefused(f"--focus {unknown[0]!r} is not a label; known: {', '.join(labels)}")
    return {
        "classifier": str(meta.get("version", "unversioned")),
        "summarizer": settings.summarizer_backend,
    }


def _check_settings(request: BatchRequest) -> None:
    """The folder keeps the format, shard size and options it was started with."""
    options = asdict(request.options)
    options["focus"] = list(request.options.focus)
    wanted: dict[str, Any] = {
        "format": request.format,
        "shard_size": request.shard_size,
        "options": options,
    }
    path = request.output / SETTINGS
    if not path.exists():
        write_json(path, {**wanted, "input": str(request.input)})
        return
    recorded = json.loads(path.read_text())
    for name, value in wanted.items():
        if recorded.get(name) != value:
            raise BatchRefused(
                f"{request.output} was started with {name} {recorded.get(name)!r}, this run "
                f"asks for {value!r}; rerun with the same settings, or use a new OUTPUT"
            )


def _check_entries(
    request: BatchRequest, shards: list[Shard], entries: dict[str, Any], versions: dict[str, str]
) -> list[Shard]:
    """The shards still to do; refuses foreign shards and, unless allowed, other models."""
    keys = {shard.key for shard in shards}
    foreign = sorted(set(entries) - keys)
    if foreign:
        raise BatchRefused(
            f"{request.output} holds {len(foreign)} shard(s) that are not in {request.input} "
            f"(first: {foreign[0]}); use a new OUTPUT for another input"
        )
    done = [s for s in shards if is_done(request.output, s, entries.get(s.key))]
    others = [s for s in done if entries[s.key]["models"] != [versions]]
    if others and not request.allow_mixed_models:
        theirs = entries[others[0].key]["models"]
        raise BatchRefused(
            f"{len(others)} finished shard(s) in {request.output} were written by {theirs}, "
            f"this run would use {versions}; use a new OUTPUT, or --allow-mixed-models to keep "
            "them and write the rest with these models"
        )
    finished = {s.key for s in done}
    return [s for s in shards if s.key not in finished]


def _run_engine(request: BatchRequest, todo: list[Shard], job: Job, err: TextIO) -> None:
    if request.engine == "ray":
        from batch.ray_engine import run_ray

        run_ray(todo, job, request.workers, request.address)
        return
    from batch.local import run_local

    progress = Progress(sum(s.rows for s in todo), err)
    run_local(todo, job, _local_workers(request.workers), progress.advance, lambda entry: None)
    progress.close()


def _require_ray() -> None:
    try:
        import ray.data  # noqa: F401
    except ImportError:
        raise BatchRefused(RAY_INSTALL) from None


def _local_workers(workers: int | None) -> int:
    return workers or os.cpu_count() or 1


def _torch_threads(request: BatchRequest) -> int:
    """Cores per worker, as `serve` gives each gunicorn worker (Ray actors get one core)."""
    if request.engine == "ray":
        return 1
    return max(1, (os.cpu_count() or 1) // _local_workers(request.workers))


def run_batch(request: BatchRequest, err: TextIO) -> int:
    """Run the back-fill; 0 when every row has a result, 1 when some rows are errors or some
    shards are unfinished, BatchRefused (exit 2) when it cannot start."""
    if request.engine == "ray":
        _require_ray()
    started = time.monotonic()
    try:
        shards = plan(request.input, request.shard_size)
    except SourceError as error:
        raise BatchRefused(str(error)) from None
    versions = expected_versions(ModelSettings.from_env(), request.options.focus)
    try:
        prepare(request.output)
    except OSError as error:
        message = f"{request.output}: cannot be used as the output folder ({error})"
        raise BatchRefused(message) from None
    _check_settings(request)
    todo = _check_entries(request, shards, read_entries(request.output), versions)
    rows = sum(s.rows for s in shards)
    print(
        f"newsbrief batch: {rows} rows in {len(shards)} shards, {len(shards) - len(todo)} "
        f"already done, {len(todo)} to do ({request.engine} engine, planned in "
        f"{time.monotonic() - started:.1f} s)",
        file=err,
        flush=True,
    )
    job = Job(request.output, request.format, request.options, versions, _torch_threads(request))
    engine_started = time.monotonic()
    failure = None
    if todo:
        try:
            _run_engine(request, todo, job, err)
        except BatchRefused:
            raise
        except Exception as error:  # the engine stopped; report what is kept
            failure = error
    seconds = time.monotonic() - engine_started
    entries = read_entries(request.output)
    todo_keys = {s.key for s in todo}
    written = [e for k, e in entries.items() if k in todo_keys]
    articles = sum(e["rows"] for e in written)
    manifest = build_manifest(request.output, shards, entries)
    last_run = {
        "engine": request.engine,
        "workers": request.workers,
        "articles": articles,
        "errors": sum(e["errors"] for e in written),
        "seconds": round(seconds, 2),
        "articles_per_second": round(articles / seconds, 2) if seconds > 0 else None,
    }
    write_json(request.output / MANIFEST, {**manifest, "last_run": last_run})
    _summarise(err, last_run, manifest, request.output, failure)
    if failure is not None or not manifest["complete"]:
        return 1
    return 1 if manifest["errors"] else 0


def _summarise(
    err: TextIO,
    last_run: dict[str, Any],
    manifest: dict[str, Any],
    output: Path,
    failure: Exception | None,
) -> None:
    rate = last_run["articles_per_second"]
    print(
        f"newsbrief batch: {last_run['articles']} articles in {last_run['seconds']} s"
        f"{f' ({rate} articles/s)' if rate else ''}, {last_run['errors']} errors this run; "
        f"{output}: {manifest['rows_done']}/{manifest['rows']} rows, "
        f"{manifest['errors']} errors, {'complete' if manifest['complete'] else 'INCOMPLETE'}",
        file=err,
    )
    if failure is not None:
        print(f"newsbrief batch: stopped early: {failure}", file=err)
    elif not manifest["complete"]:
        print("newsbrief batch: some shards are unfinished; run the same command again", file=err)
