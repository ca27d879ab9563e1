"""Choose the extractive summarizer's weights on the development reference briefs.

The held-out references (training/data/reference_briefs.jsonl) only ever report quality; the
weights in models.extractive.Weights are chosen here, on reference briefs written for articles
of the training split (reference_briefs_dev.jsonl), so the reported ROUGE is not tuned to.

    python -m training.brief_tune [--references PATH] [--top 10] [--json]

Every article is embedded once (a caching encoder in front of the real one); each grid point
then only re-runs selection. Prints the best points by the mean of ROUGE-1/2/L, then that mean
for each value of each weight averaged over the others, which shows how flat the optimum is.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from models.extractive import DEFAULT_WEIGHTS, Weights
from models.results import Entity
from models.summarizer import Encoder, Summarizer
from training.brief_eval import (
    BRIEF_SENTENCES,
    DATA_DIR,
    DEV_REFERENCES_PATH,
    Case,
    lead_clean,
    load_cases,
)
from training.rouge import rouge

POSITION_WEIGHTS = (0.45, 0.55, 0.65, 0.75, 0.85, 0.95)
POSITION_SCALES = (2.0, 3.0, 4.0, 6.0)
MMR_LAMBDAS = (0.6, 0.7, 0.8, 1.0)
METRICS = ("rouge1", "rouge2", "rougeL")


class CachingEncoder:
    """The same vectors for the same text, computed once across all grid points."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            self.cache.update(zip(new, self.encoder.encode(new), strict=True))
        return np.stack([self.cache[t] for t in texts])


class NoEntities:
    """ROUGE reads only the brief's text: skip NER."""

    def extract(self, text: str) -> tuple[Entity, ...]:
        return ()


def grid() -> list[Weights]:
    """Position against centrality (summing to 1), the prior's scale and the MMR trade-off."""
    return [
        Weights(centrality=round(1 - p, 2), position=p, position_scale=s, mmr_lambda=m)
        for p, s, m in itertools.product(POSITION_WEIGHTS, POSITION_SCALES, MMR_LAMBDAS)
    ]


def mean_rouge(briefs: Sequence[str], cases: Sequence[Case]) -> dict[str, float]:
    scores = [rouge(brief, case.reference) for brief, case in zip(briefs, cases, strict=True)]
    return {m: round(statistics.fmean(s[m] for s in scores), 4) for m in METRICS}


def tune(
    cases: Sequence[Case], encoder: Encoder, candidates: Sequence[Weights], k: int
) -> list[dict[str, Any]]:
    """One row per candidate (its weights, ROUGE and their mean), best first."""
    shared = CachingEncoder(encoder)
    rows = []
    for weights in candidates:
        writer = Summarizer(shared, NoEntities(), weights=weights)
        scores = mean_rouge([writer.summarize(c.text, max_sentences=k).text for c in cases], cases)
        rows.append(
            {**asdict(weights), **scores, "mean": round(statistics.fmean(scores.values()), 4)}
        )
    return sorted(rows, key=lambda row: -row["mean"])


def marginals(rows: Sequence[dict[str, Any]]) -> dict[str, dict[float, float]]:
    """For each weight, the mean score at each of its values over all other settings."""
    out: dict[str, dict[float, float]] = {}
    for name in ("position", "position_scale", "mmr_lambda"):
        values = sorted({row[name] for row in rows})
        out[name] = {
            v: round(statistics.fmean(r["mean"] for r in rows if r[name] == v), 4) for v in values
        }
    return out


def _report(rows: list[dict[str, Any]], baseline: dict[str, float], top: int) -> str:
    header = f"  {'centr':>5} {'pos':>5} {'scale':>5} {'mmr':>4}  {'R-1':>6} {'R-2':>6} {'R-L':>6}"
    lines = ["best weights on the development references (mean of ROUGE-1/2/L):", header]

    def line(row: dict[str, Any], note: str = "") -> str:
        return (
            f"  {row['centrality']:>5.2f} {row['position']:>5.2f} {row['position_scale']:>5.1f} "
            f"{row['mmr_lambda']:>4.1f}  {row['rouge1']:>6.4f} {row['rouge2']:>6.4f} "
            f"{row['rougeL']:>6.4f}{note}"
        )

    default = asdict(DEFAULT_WEIGHTS)
    lines += [line(row) for row in rows[:top]]
    lines += [
        line(r, "  (current default)") for r in rows if all(r[k] == v for k, v in default.items())
    ]
    lines.append(
        f"  lead-3-clean             {baseline['rouge1']:>6.4f} {baseline['rouge2']:>6.4f} "
        f"{baseline['rougeL']:>6.4f}"
    )
    for name, values in marginals(rows).items():
        lines.append(f"  {name}: " + ", ".join(f"{v:g} -> {s:.4f}" for v, s in values.items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, encoder: Encoder | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.brief_tune", description=__doc__)
    parser.add_argument("--references", type=Path, default=DEV_REFERENCES_PATH)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of corpus files")
    parser.add_argument("--sentences", type=int, default=BRIEF_SENTENCES)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    cases, missing = load_cases(args.references, args.data)
    if not cases:
        parser.error(f"no reference in {args.references} matches a corpus article")
    if encoder is None:
        from models.encoder import SentenceEncoder

        encoder = SentenceEncoder()
    rows = tune(cases, encoder, grid(), args.sentences)
    baseline = mean_rouge([lead_clean(c.text, args.sentences) for c in cases], cases)
    if args.json:
        report = {"n": len(cases), "missing_ids": missing, "lead_clean": baseline, "rows": rows}
        print(json.dumps(report))
    else:
        print(
            f"{len(cases)} articles" + (f" ({len(missing)} ids without article)" if missing else "")
        )
        print(_report(rows, baseline, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
