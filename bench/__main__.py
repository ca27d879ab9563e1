"""`make bench`: run every benchmark and write bench/results/latest.{json,md} and plots.

Absolute times on shared 2-core machines are noisy, so every figure is reported beside a
baseline measured in the same run (keyword matcher, Lead-3, TextRank, bare interpreter start).
"""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import inprocess
from bench.http import http_bench
from bench.report import markdown, plots
from models.loading import load_analyzer
from models.settings import ModelSettings

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration per point")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for HTTP runs")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    args = parser.parse_args()

    from training.brief_eval import lead, textrank

    analyzer = load_analyzer(ModelSettings.from_env(), ["topics", "brief"])
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
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
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    plots(results, RESULTS)
    print(table)
    print(f"wrote {RESULTS}/latest.json, latest.md and plots")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
