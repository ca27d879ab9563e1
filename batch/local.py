"""`--engine local`: worker processes on this machine, each holding one copy of the models.

Workers are spawned (not forked: torch's thread pools do not survive a fork) and load the
models once, at start. Each takes whole shards, writes them itself and reports every analysed
batch on a queue the driver turns into the progress bar. A worker whose driver dies (kill -9)
exits within a second instead of working on as an orphan.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from batch.job import Job, check_versions, process_shard
from batch.sources import Shard
from models.analyzer import Analyzer


class EngineError(RuntimeError):
    """The engine stopped before every shard was processed; finished shards are kept."""


_worker: dict[str, Any] = {}


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _start_worker(job: Job, progress: multiprocessing.Queue[int], parent: int) -> None:
    from batch.analysis import load_models

    _watch_parent(parent)
    analyzer: Analyzer = load_models(job.torch_threads)
    check_versions(analyzer, job)
    _worker.update(analyzer=analyzer, job=job, progress=progress)


def _run_shard(shard: Shard) -> dict[str, Any]:
    report: multiprocessing.Queue[int] = _worker["progress"]
    return process_shard(_worker["analyzer"], _worker["job"], shard, report.put)


def run_local(
    shards: Sequence[Shard],
    job: Job,
    workers: int,
    on_rows: Callable[[int], None],
    on_shard: Callable[[dict[str, Any]], None],
) -> None:
    """Process ``shards`` on ``workers`` processes; ``on_rows`` hears progress, ``on_shard``
    each finished shard's manifest entry."""
    context = multiprocessing.get_context("spawn")
    progress: multiprocessing.Queue[int] = context.Queue()
    stop = threading.Event()

    def relay() -> None:
        while not stop.is_set():
            try:
                on_rows(progress.get(timeout=0.2))
            except queue.Empty:
                continue

    relay_thread = threading.Thread(target=relay, daemon=True, name="progress")
    relay_thread.start()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(job, progress, os.getpid()),
        ) as pool:
            futures = [pool.submit(_run_shard, shard) for shard in shards]
            for future in as_completed(futures):
                on_shard(future.result())
    except BrokenProcessPool as error:
        raise EngineError(
            f"a worker process died ({error}); the shards it finished are kept, "
            "run the same command again to resume"
        ) from None
    finally:
        stop.set()
        relay_thread.join()
