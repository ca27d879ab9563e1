"""The back-fill benchmark: `newsbrief batch` over N articles, both engines, 1 and 2 workers.

The archive is the corpus's articles repeated with distinct ids. Each run is a real
`newsbrief batch` process (as a user starts it) whose whole process tree (driver, workers;
for Ray also its raylet, GCS and actors) is sampled for memory: the peak of the summed PSS
(shared pages split between the processes that map them, so shared libraries and Ray's
object store are not counted twice). Throughput is the run's own figure from `_manifest.json`
(articles over the engine's wall time, model loading and Ray start included).

The HTTP reference is measured in the same run on the same articles: real gunicorn with
2 workers (the `make run` command), `/v1/analyze` with one article per request at
concurrency 8, cycling through the archive's articles.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.loadgen import run_load
from bench.server import running_server
from training.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("local", "ray")
# At least 20 shards, so 2 workers share even a small archive; at most 500 rows each.
MAX_SHARD_SIZE = 500
HTTP_CONCURRENCY = 8
SAMPLE_SECONDS = 0.5


def write_archive(path: Path, articles: int) -> None:
    """``articles`` JSON Lines rows: the corpus in order, again and again, with fresh ids."""
    corpus = load_corpus()
    with path.open("w", encoding="utf-8") as handle:
        for i in range(articles):
            article = corpus[i % len(corpus)]
            record = {"id": f"{article.id}-{i}", "title": article.title, "text": article.text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = task / "children"
            try:
                stack.extend(int(c) for c in children.read_text().split())
            except OSError:
                continue
    return found


def _pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class TreeMemory:
    """Samples the summed PSS of a process tree in a thread; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mib = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            total = sum(_pss_mib(p) for p in pids)
            if total > self.peak_mib:
                self.peak_mib, self.peak_processes = total, len(pids)
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def shard_size(articles: int) -> int:
    return max(1, min(MAX_SHARD_SIZE, articles // 20))


def run_batch(
    archive: Path, output: Path, engine: str, workers: int, shards_of: int
) -> dict[str, Any]:
    """One `newsbrief batch` run into a fresh OUTPUT; its figures."""
    shutil.rmtree(output, ignore_errors=True)
    command = [
        sys.executable, "-m", "cli", "batch", str(archive), str(output),
        "--engine", engine, "--workers", str(workers), "--shard-size", str(shards_of),
    ]  # fmt: skip
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            with TreeMemory(process.pid) as memory:
                code = process.wait()
        finally:
            if process.poll() is None:  # the bench itself was interrupted
                process.terminate()
                process.wait()
        log.seek(0)
        tail = log.read().decode(errors="replace")[-1500:]
    if code not in (0, 1):
        raise RuntimeError(f"newsbrief batch --engine {engine} failed ({code}): {tail}")
    manifest = json.loads((output / "_manifest.json").read_text())
    run = manifest["last_run"]
    warm = warm_rate(output)
    return {
        "engine": engine,
        "workers": workers,
        "articles": run["articles"],
        "errors": run["errors"],
        "complete": manifest["complete"],
        "engine_seconds": run["seconds"],
        "process_seconds": round(time.monotonic() - started, 2),
        "articles_per_second": run["articles_per_second"],
        "warm_articles_per_second": warm,
        "peak_pss_mib": round(memory.peak_mib, 1),
        "peak_processes": memory.peak_processes,
    }


def warm_rate(output: Path) -> float | None:
    """Articles/s once warm: the rows of the shards finished after the first one, over the
    time from the first shard's part file to the last one's (no start-up, no model loading),
    which is what the HTTP figure, measured on warmed workers, compares with."""
    entries = [json.loads(p.read_text()) for p in (output / "_shards").glob("*.json")]
    finished = sorted(((output / e["file"]).stat().st_mtime, e["rows"]) for e in entries)
    if len(finished) < 3:
        return None
    span = finished[-1][0] - finished[0][0]
    return round(sum(rows for _, rows in finished[1:]) / span, 2) if span > 0 else None


def http_reference(archive: Path, seconds: float, workers: int = 2) -> dict[str, Any]:
    """/v1/analyze articles/s on the archive's own articles (one per request)."""
    with archive.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, len(load_corpus()))]
    bodies = [json.dumps({"title": r["title"], "text": r["text"]}).encode() for r in records]
    with running_server(workers) as (port, _master):
        run_load("127.0.0.1", port, "/v1/analyze", bodies, 2, 3.0)  # warm every worker
        result = run_load("127.0.0.1", port, "/v1/analyze", bodies, HTTP_CONCURRENCY, seconds)
    summary = result.summary()
    return {
        "workers": workers,
        "concurrency": HTTP_CONCURRENCY,
        "seconds": seconds,
        "articles_per_second": summary["rps"],
        "p50_ms": summary["p50_ms"],
        "non_2xx": summary["non_2xx"],
        "errors": summary["errors"],
    }


def backfill_bench(
    articles: int, http_seconds: float, worker_counts: tuple[int, ...] = (1, 2)
) -> dict[str, Any]:
    """Every engine at every worker count on one archive, beside the HTTP reference."""
    with tempfile.TemporaryDirectory(prefix="newsbrief-backfill-") as tmp:
        archive = Path(tmp) / "archive.jsonl"
        write_archive(archive, articles)
        http = http_reference(archive, http_seconds)
        runs = []
        for workers in worker_counts:
            for engine in ENGINES:
                print(f"[bench] back-fill: {engine}, {workers} worker(s)", file=sys.stderr)
                out = Path(tmp) / f"out-{engine}-{workers}"
                run = run_batch(archive, out, engine, workers, shard_size(articles))
                ratio = run["articles_per_second"] / http["articles_per_second"]
                run["ratio_to_http"] = round(ratio, 2)
                if run["warm_articles_per_second"] is not None:
                    warm = run["warm_articles_per_second"] / http["articles_per_second"]
                    run["warm_ratio_to_http"] = round(warm, 2)
                runs.append(run)
    rate = {(r["engine"], r["workers"]): r["articles_per_second"] for r in runs}
    warm = {(r["engine"], r["workers"]): r["warm_articles_per_second"] for r in runs}
    return {
        "articles": articles,
        "shard_size": shard_size(articles),
        "http_analyze": http,
        "runs": runs,
        "ray_over_local": {
            str(n): round(rate[("ray", n)] / rate[("local", n)], 3) for n in worker_counts
        },
        "warm_ray_over_local": {
            str(n): round(warm[("ray", n)] / warm[("local", n)], 3)  # type: ignore[operator]
            for n in worker_counts
            if warm[("ray", n)] and warm[("local", n)]
        },
    }
