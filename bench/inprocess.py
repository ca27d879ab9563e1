"""In-process latency: the models alone, warm, with the baselines timed in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.articles import SIZES, article_of
from models.analyzer import AnalysisOptions, Analyzer
from models.article import Article
from models.features import document_text
from training.keywords import KeywordBaseline

ROOT = Path(__file__).resolve().parent.parent
REPEATS = {"short": 40, "800w": 30, "5000w": 8}
WARMUP = 3


def timed(fn: Callable[[], object], repeats: int) -> dict[str, float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(float(np.percentile(samples, 95)), 2),
        "n": repeats,
    }


def _keywords(baseline: KeywordBaseline, text: str) -> object:
    """The keyword baseline as the service would run it: document text, then the rules."""
    return baseline.predict([document_text(text)])


def latency(analyzer: Analyzer, baselines: dict[str, Callable[[str], object]]) -> dict[str, Any]:
    """Per article size: classify, brief and every baseline, each with its ratio to classify."""
    options = AnalysisOptions()
    keywords = KeywordBaseline()
    out: dict[str, Any] = {}
    for size, words in SIZES.items():
        article = Article(id="bench", text=article_of(words))
        repeats = REPEATS[size]
        row = {
            "classify": timed(partial(analyzer.run, [article], ["topics"], options), repeats),
            "brief": timed(partial(analyzer.run, [article], ["brief"], options), repeats),
            "keywords": timed(partial(_keywords, keywords, article.text), repeats),
        }
        for name, fn in baselines.items():
            row[name] = timed(partial(fn, article.text), repeats)
        out[size] = row
    return out


def batch_scaling(analyzer: Analyzer) -> dict[str, Any]:
    """Classify 1, 8 and 32 articles of 800 words per call: per-call and per-article cost."""
    options = AnalysisOptions()
    out = {}
    for batch in (1, 8, 32):
        articles = [Article(id=str(i), text=article_of(800, offset=i)) for i in range(batch)]
        result = timed(partial(analyzer.run, articles, ["topics"], options), max(3, 24 // batch))
        result["per_article_ms"] = round(result["median_ms"] / batch, 2)
        out[str(batch)] = result
    return out


def peak_rss_mib() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


COLD_START = (
    "import time; t = time.perf_counter()\n"
    "from models.loading import load_analyzer\n"
    "from models.settings import ModelSettings\n"
    "load_analyzer(ModelSettings.from_env(), ['topics', 'brief'])\n"
    "print(time.perf_counter() - t)\n"
)


def cold_start(runs: int = 3) -> dict[str, float]:
    """Process start to models loaded, against the bare interpreter start in the same run."""

    def wall(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - started

    bare = statistics.median(wall("pass") for _ in range(runs))
    ready = statistics.median(wall(COLD_START) for _ in range(runs))
    return {
        "python_s": round(bare, 2),
        "process_to_ready_s": round(ready, 2),
        "ratio": round(ready / bare, 1),
    }
