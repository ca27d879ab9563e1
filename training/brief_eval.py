"""Brief quality: ROUGE of the configured summarizer beside Lead-3, TextRank and the oracle.

References are hand-written briefs ({"id", "reference"} JSON Lines) joined by id to the corpus
articles (the other training/data/*.jsonl files). Two sets exist: reference_briefs.jsonl, for
articles of the held-out split, is what this reports; reference_briefs_dev.jsonl, for articles
of the training split, is what the brief selector is trained and cross-validated on
(training/brief_train.py). Ids without an article are reported and skipped. ROUGE is
rouge-score's, stemmed (training/rouge.py).

    python -m training.brief_eval [--json] [--references PATH] [--sentences 3]

Baselines and the ceiling, computed in the same run:
- lead-3: the classic news baseline, the first sentences of the text as given (split by
  models.text, nothing removed), so on a scraped page it quotes repeated headlines and bylines;
- lead-3-clean: the first of the sentences the summarizer itself chooses from (furniture
  removed, the dateline trimmed), isolating what its selection adds over position alone;
- textrank (Mihalcea & Tarau, 2004): PageRank over a word-overlap graph of the noise-free
  sentences;
- oracle: the greedy extract of at most 3 of the sentences the summarizer chooses from that
  best matches the reference (training/oracle.py), what a perfect selector would reach.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.article import ArticleError
from models.results import Entity
from models.text import Segment, body_sentences, segment, sentences
from training.corpus import DATA_DIR, load_labelled
from training.oracle import oracle_indices
from training.rouge import rouge

REFERENCES_PATH = DATA_DIR / "reference_briefs.jsonl"
DEV_REFERENCES_PATH = DATA_DIR / "reference_briefs_dev.jsonl"
BRIEF_SENTENCES = 3
PAGERANK_DAMPING = 0.85
PAGERANK_TOLERANCE = 1e-6
PAGERANK_MAX_ITERATIONS = 100

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    text: str
    reference: str
    title: str = ""
    label: str = ""  # the topic a focused reference briefs on (training/brief_focus.py)


# A system briefs one case (it may read the title; only the oracle reads the reference).
System = Callable[[Case], str]


class NoEntities:
    """ROUGE reads only the brief's text: skip NER."""

    def extract(self, text: str) -> tuple[Entity, ...]:
        return ()


def load_references(path: Path) -> dict[str, str]:
    """{"id", "reference"} JSON Lines -> {id: reference}; a malformed line is an error."""
    references: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("id"), str) or not isinstance(row.get("reference"), str):
            raise ValueError(f"{path}:{number}: needs string fields id and reference")
        references[row["id"]] = row["reference"]
    return references


def load_cases(references_path: Path, data_dir: Path) -> tuple[list[Case], list[str]]:
    """Articles with a reference brief, and the reference ids no corpus file has."""
    references = load_references(references_path)
    articles = {}
    for path in sorted(data_dir.glob("*.jsonl")):
        is_references = path.name.startswith(REFERENCES_PATH.stem)
        if not is_references and path.resolve() != references_path.resolve():
            articles.update({a.id: a for a in load_labelled(path)})
    cases = [
        Case(i, articles[i].text, ref, articles[i].title)
        for i, ref in references.items()
        if i in articles
    ]
    missing = sorted(i for i in references if i not in articles)
    return cases, missing


def join_sentences(chosen: Iterable[Segment]) -> str:
    return " ".join(" ".join(s.text.split()) for s in chosen)


def lead(text: str, k: int = BRIEF_SENTENCES) -> str:
    return join_sentences(segment(text)[:k])


def lead_clean(text: str, k: int = BRIEF_SENTENCES) -> str:
    return join_sentences(body_sentences(text)[:k])


def oracle(case: Case, k: int = BRIEF_SENTENCES) -> str:
    """The greedy oracle extract against the case's reference (the selector's ceiling)."""
    found = body_sentences(case.text)
    texts = [" ".join(s.text.split()) for s in found]
    return join_sentences(found[i] for i in oracle_indices(texts, case.reference, k))


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of letters and digits (TextRank's word overlap)."""
    return _TOKEN.findall(text.casefold())


def pagerank(weights: np.ndarray) -> np.ndarray:
    """Scores of a weighted undirected graph; a node without edges links to every node."""
    n = len(weights)
    out = weights.sum(axis=1, keepdims=True)
    transition = np.where(out > 0, weights / np.where(out > 0, out, 1.0), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(PAGERANK_MAX_ITERATIONS):
        updated = (1 - PAGERANK_DAMPING) / n + PAGERANK_DAMPING * transition.T @ scores
        if np.abs(updated - scores).sum() < PAGERANK_TOLERANCE:
            return np.asarray(updated)
        scores = updated
    return scores


def textrank(text: str, k: int = BRIEF_SENTENCES) -> str:
    """The k sentences PageRank ranks highest, in source order. Similarity is TextRank's:
    shared words over log(len(a)) + log(len(b))."""
    spans = sentences(text)
    if not spans:
        return ""
    tokens = [tokenize(s.text) for s in spans]
    words = [set(t) for t in tokens]
    n = len(spans)
    weights = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            # Sentences of one word would divide by log(1) = 0; count them as two.
            denominator = math.log(max(len(tokens[i]), 2)) + math.log(max(len(tokens[j]), 2))
            weights[i, j] = weights[j, i] = len(words[i] & words[j]) / denominator
    order = np.argsort(-pagerank(weights), kind="stable")[:k]
    return join_sentences(spans[i] for i in sorted(order))


def score_system(system: System, cases: Sequence[Case]) -> dict[str, Any]:
    """Mean ROUGE F1 over the cases; an article the system cannot brief scores 0."""
    rows, words, failures = [], [], 0
    for case in cases:
        try:
            brief = system(case)
        except ArticleError:
            brief, failures = "", failures + 1
        rows.append(rouge(brief, case.reference))
        words.append(len(brief.split()))
    return {
        **{
            metric: round(statistics.fmean(r[metric] for r in rows), 4) if rows else 0.0
            for metric in ("rouge1", "rouge2", "rougeL")
        },
        "mean_words": round(statistics.fmean(words), 1) if words else 0.0,
        "failures": failures,
    }


def evaluate(cases: Sequence[Case], systems: dict[str, System]) -> dict[str, Any]:
    return {
        "n": len(cases),
        "reference_mean_words": round(statistics.fmean(len(c.reference.split()) for c in cases), 1)
        if cases
        else 0.0,
        "systems": {name: score_system(system, cases) for name, system in systems.items()},
    }


def default_systems(summarize: System, k: int = BRIEF_SENTENCES) -> dict[str, System]:
    return {
        "summarizer": summarize,
        f"lead-{k}": lambda case: lead(case.text, k),
        f"lead-{k}-clean": lambda case: lead_clean(case.text, k),
        "textrank": lambda case: textrank(case.text, k),
        "oracle": lambda case: oracle(case, k),
    }


def configured_summarizer(k: int) -> System:
    """The summarizer as the service loads it (NEWSBRIEF_SUMMARIZER and friends apply)."""
    from models.encoder import SentenceEncoder
    from models.loading import load_summarizer
    from models.settings import ModelSettings

    settings = ModelSettings.from_env()
    writer = load_summarizer(
        settings,
        lambda: SentenceEncoder(settings.encoder_dir, torch_threads=settings.torch_threads),
    )
    return lambda case: writer.summarize(case.text, max_sentences=k, title=case.title).text


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"briefs: {report['n']} articles with a reference "
        f"(references average {report['reference_mean_words']} words)",
        f"  {'system':<14} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'words':>6}",
    ]
    for name, row in report["systems"].items():
        lines.append(
            f"  {name:<14} {row['rouge1']:>8.4f} {row['rouge2']:>8.4f} {row['rougeL']:>8.4f} "
            f"{row['mean_words']:>6.1f}"
            + (f"  ({row['failures']} failed)" if row["failures"] else "")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, summarize: System | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.brief_eval", description=__doc__)
    parser.add_argument("--references", type=Path, default=REFERENCES_PATH)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of corpus files")
    parser.add_argument("--sentences", type=int, default=BRIEF_SENTENCES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.references.is_file():
        print(f"no reference briefs yet ({args.references}); nothing to evaluate", file=sys.stderr)
        return 0
    cases, missing = load_cases(args.references, args.data)
    if missing:
        print(f"{len(missing)} reference ids have no article: {missing[:5]}", file=sys.stderr)
    if not cases:
        print("no reference brief matches a corpus article; nothing to evaluate", file=sys.stderr)
        return 0
    systems = default_systems(summarize or configured_summarizer(args.sentences), args.sentences)
    report = {**evaluate(cases, systems), "missing_ids": missing}
    print(json.dumps(report) if args.json else _table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
