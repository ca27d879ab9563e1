"""`make bench`: run every benchmark and write bench/results/latest.{json,md} and plots.

Absolute times on shared 2-core machines are noisy, so every figure is reported beside a
baseline measured in the same run (keyword matcher, Lead-3, TextRank, bare interpreter start).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import inprocess
from bench.backfill import backfill_bench
from bench.http import http_bench
from bench.report import backfill_markdown, markdown, plots
from models.loading import load_analyzer
from models.settings import ModelSettings

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration per point")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for HTTP runs")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--backfill-articles",
        type=int,
        default=int(os.environ.get("NEWSBRIEF_BENCH_BACKFILL_ARTICLES", "10000")),
        help="articles in the back-fill runs (0: skip them)",
    )
    parser.add_argument(
        "--only-backfill",
        action="store_true",
        default=os.environ.get("NEWSBRIEF_BENCH_ONLY_BACKFILL", "") == "1",
        help="run only the back-fill part (writes results/backfill.json and backfill.md)",
    )
    parser.add_argument(
        "--backfill-workers",
        default=os.environ.get("NEWSBRIEF_BENCH_BACKFILL_WORKERS", "1,2"),
        help="comma-separated worker counts each engine runs the back-fill with",
    )
    args = parser.parse_args()
    worker_counts = tuple(int(n) for n in args.backfill_workers.split(","))
    if args.only_backfill:
        return _only_backfill(args.backfill_articles, args.seconds, worker_counts)

    from training.brief_eval import lead, textrank

    analyzer = load_analyzer(ModelSettings.from_env(), ["topics", "brief"])
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "classifier": {
            "version": analyzer.classifier.version,
            "design": getattr(analyzer.classifier, "design", None),
        }
        if analyzer.classifier is not None
        else None,
        "latency": inprocess.latency(analyzer, {"lead3": lead, "textrank": textrank}),
        "batch_scaling": inprocess.batch_scaling(analyzer),
        "peak_rss_mib": inprocess.peak_rss_mib(),
        "cold_start": inprocess.cold_start(),
    }
    if not args.skip_http:
        results["http"] = http_bench(args.workers, args.seconds)
    if args.backfill_articles > 0:
        results["backfill"] = backfill_bench(
            args.backfill_articles, 2 * args.seconds, worker_counts
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    plots(results, RESULTS)
    print(table)
    print(f"wrote {RESULTS}/latest.json, latest.md and plots")
    return 0


def _only_backfill(articles: int, seconds: float, worker_counts: tuple[int, ...]) -> int:
    """The back-fill part alone, into its own result files (latest.* stay as they were)."""
    backfill = backfill_bench(articles, 2 * seconds, worker_counts)
    backfill["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backfill.json").write_text(json.dumps(backfill, indent=2) + "\n")
    table = "\n".join(backfill_markdown(backfill)) + "\n"
    (RESULTS / "backfill.md").write_text(table)
    print(table)
    print(f"wrote {RESULTS}/backfill.json and backfill.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
