"""Benchmark results as a Markdown table (for the README) and PNG plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "### In-process latency (warm, one article per call)",
        "",
        "| article | classify median / p95 ms | brief median / p95 ms | keywords ms | "
        "Lead-3 ms | TextRank ms | classify / keywords |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, row in results["latency"].items():
        ratio = row["classify"]["median_ms"] / max(row["keywords"]["median_ms"], 1e-3)
        lines.append(
            f"| {size} | {row['classify']['median_ms']} / {row['classify']['p95_ms']} | "
            f"{row['brief']['median_ms']} / {row['brief']['p95_ms']} | "
            f"{row['keywords']['median_ms']} | {row['lead3']['median_ms']} | "
            f"{row['textrank']['median_ms']} | {ratio:.0f}x |"
        )
    lines += [
        "",
        "### Batch scaling (classify, 800-word articles)",
        "",
        "| articles per call | median ms per call | ms per article |",
        "|---|---|---|",
    ]
    for batch, row in results["batch_scaling"].items():
        lines.append(f"| {batch} | {row['median_ms']} | {row['per_article_ms']} |")
    cold = results["cold_start"]
    lines += [
        "",
        f"Peak RSS of the benchmark process: {results['peak_rss_mib']} MiB. "
        f"Cold start (process start to models loaded): {cold['process_to_ready_s']} s, "
        f"{cold['ratio']}x a bare `python -c pass` ({cold['python_s']} s).",
    ]
    if "http" in results:
        http = results["http"]
        lines += [
            "",
            f"### HTTP, gunicorn with {http['workers']} workers, 800-word articles, "
            f"{http['seconds_per_point']:.0f} s per point",
            "",
            "| endpoint | concurrency | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for endpoint in ("/v1/classify", "/v1/analyze"):
            for point in http[endpoint]:
                lines.append(
                    f"| `{endpoint}` | {point['concurrency']} | {point['rps']} | {point['p50_ms']} "
                    f"| {point['p95_ms']} | {point['p99_ms']} | {point['errors']} | "
                    f"{point['non_2xx']} |"
                )
        lines += [
            "",
            f"RSS per worker after load: {http['rss_mib_per_worker']} MiB "
            f"(master {http['rss_mib_master']} MiB).",
        ]
    if "backfill" in results:
        lines += ["", *backfill_markdown(results["backfill"])]
    return "\n".join(lines) + "\n"


def backfill_markdown(backfill: dict[str, Any]) -> list[str]:
    """The back-fill runs, each beside the HTTP service on the same articles."""
    http = backfill["http_analyze"]
    lines = [
        f"### Back-fill, {backfill['articles']} articles, shards of {backfill['shard_size']}",
        "",
        f"HTTP reference on the same articles: `/v1/analyze`, gunicorn with {http['workers']} "
        f"workers, concurrency {http['concurrency']}: {http['articles_per_second']} articles/s "
        f"({http['non_2xx']} non-2xx, {http['errors']} errors).",
        "",
        "| engine | workers | articles/s (ratio to HTTP) | warm articles/s (ratio) | seconds "
        "| peak PSS MiB (processes) | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in backfill["runs"]:
        lines.append(
            f"| {run['engine']} | {run['workers']} | {run['articles_per_second']} "
            f"({run['ratio_to_http']}x) | {run['warm_articles_per_second']} "
            f"({run.get('warm_ratio_to_http', '-')}x) | {run['engine_seconds']} | "
            f"{run['peak_pss_mib']} ({run['peak_processes']}) | {run['errors']} |"
        )
    ratios = ", ".join(f"{n} worker(s) {r}" for n, r in backfill["ray_over_local"].items())
    warm = ", ".join(f"{n} worker(s) {r}" for n, r in backfill["warm_ray_over_local"].items())
    lines += ["", f"Ray over local in articles/s: {ratios}; once warm: {warm or '-'}."]
    return lines


def plots(results: dict[str, Any], directory: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(results["latency"])
    fig, ax = plt.subplots(figsize=(6, 4))
    for name in ("classify", "brief", "keywords", "lead3", "textrank"):
        ax.plot(
            sizes, [results["latency"][s][name]["median_ms"] for s in sizes], marker="o", label=name
        )
    ax.set_yscale("log")
    ax.set_xlabel("article length")
    ax.set_ylabel("median latency, ms (log)")
    ax.set_title("Latency against article length")
    ax.legend()
    fig.tight_layout()
    fig.savefig(directory / "latency_vs_length.png", dpi=100)
    plt.close(fig)
    if "http" not in results:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for endpoint in ("/v1/classify", "/v1/analyze"):
        points = results["http"][endpoint]
        ax.plot(
            [p["concurrency"] for p in points],
            [p["rps"] for p in points],
            marker="o",
            label=endpoint,
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("concurrent connections")
    ax.set_ylabel("requests/s")
    ax.set_title("Throughput against concurrency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(directory / "throughput_vs_concurrency.png", dpi=100)
    plt.close(fig)
