"""Data checks for the labelled corpus (`make data-check`; also run by the test suite).

Besides schema and balance, they guard against the two ways a hand-written corpus quietly
goes wrong: articles that are near-copies of each other (a model then learns templates, not
topics) and text that leaks from the seed articles, which are acceptance cases.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from models.text import segment
from training.corpus import (
    CORPUS_PATH,
    SPLIT_PATH,
    LabelledArticle,
    label_definitions,
    load_labelled,
)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# Short wire items and thin pages are real; below 30 words there is no article left.
MIN_WORDS, MAX_WORDS = 30, 600
MIN_ARTICLES = 900
MIN_PER_LABEL = 150
MIN_MULTI_LABEL = 200
MIN_NO_LABEL = 350
NEAR_DUPLICATE_JACCARD = 0.8
SEED_OVERLAP_JACCARD = 0.3
SHINGLE_WORDS = 5
# Sentences this long that recur across articles betray templating.
LONG_SENTENCE_CHARS = 40
MAX_REPEATED_SENTENCE_SHARE = 0.02
# A label combination's share in the test split may drift this far from the target fraction.
SPLIT_TOLERANCE = 0.06

_WORD = re.compile(r"\w+")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        self.errors.append(message)


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return frozenset(tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def check_schema(articles: Sequence[LabelledArticle], known: set[str], report: Report) -> None:
    ids = Counter(a.id for a in articles)
    for article_id, count in ids.items():
        if count > 1:
            report.fail(f"id {article_id} occurs {count} times")
    for a in articles:
        unknown = set(a.labels) - known
        if unknown:
            report.fail(f"{a.id}: unknown labels {sorted(unknown)}")
        if not a.title.strip():
            report.fail(f"{a.id}: empty title")
        words = len(a.text.split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            report.fail(f"{a.id}: {words} words, outside {MIN_WORDS}-{MAX_WORDS}")


def check_marks(articles: Sequence[LabelledArticle], report: Report) -> None:
    """Marked sentences are verbatim, evidence only for labels the article has, mentions only
    for labels it lacks (a mention of its own topic would be evidence)."""
    marked = 0
    for a in articles:
        for label, sentences in a.evidence.items():
            if label not in a.labels:
                report.fail(f"{a.id}: evidence for {label}, which it is not labelled")
            marked += bool(sentences)
            for sentence in sentences:
                if sentence not in a.text:
                    report.fail(f"{a.id}: {label} evidence not in the text: {sentence[:60]!r}")
        for label, sentences in a.mentions.items():
            if label in a.labels:
                report.fail(f"{a.id}: a mention of {label}, which it is labelled")
            for sentence in sentences:
                if sentence not in a.text:
                    report.fail(f"{a.id}: {label} mention not in the text: {sentence[:60]!r}")
    pairs = sum(len(a.labels) for a in articles)
    report.stats["evidence"] = {"labels_marked": marked, "labels": pairs}


def check_balance(articles: Sequence[LabelledArticle], known: set[str], report: Report) -> None:
    per_label = Counter(label for a in articles for label in a.labels)
    multi = sum(len(a.labels) >= 2 for a in articles)
    none = sum(not a.labels for a in articles)
    report.stats.update(
        articles=len(articles),
        per_label=dict(sorted(per_label.items())),
        multi_label=multi,
        no_label=none,
        per_combination=dict(Counter(a.label_key() for a in articles).most_common()),
    )
    if len(articles) < MIN_ARTICLES:
        report.fail(f"{len(articles)} articles; at least {MIN_ARTICLES} needed")
    for label in sorted(known):
        if per_label[label] < MIN_PER_LABEL:
            report.fail(f"{label}: {per_label[label]} articles; at least {MIN_PER_LABEL} needed")
    if multi < MIN_MULTI_LABEL:
        report.fail(f"{multi} articles with 2+ labels; at least {MIN_MULTI_LABEL} needed")
    if none < MIN_NO_LABEL:
        report.fail(f"{none} articles with no label; at least {MIN_NO_LABEL} needed")


def _article_sentences(text: str) -> set[str]:
    return {
        " ".join(seg.text.split())
        for seg in segment(text)
        if seg.kind == "sentence" and len(seg.text) > LONG_SENTENCE_CHARS
    }


def check_duplicates(articles: Sequence[LabelledArticle], report: Report) -> None:
    """Exact and near-duplicate texts, and sentences reused across articles."""
    by_text: dict[str, str] = {}
    for a in articles:
        key = " ".join(a.text.split()).casefold()
        if key in by_text:
            report.fail(f"{a.id}: same text as {by_text[key]}")
        by_text.setdefault(key, a.id)
    sets = [shingles(a.text) for a in articles]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            index[sh].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= 50:
            shared.update(combinations(members, 2))
    for (i, j), count in shared.items():
        if count >= 0.5 * NEAR_DUPLICATE_JACCARD * min(len(sets[i]), len(sets[j])):
            score = jaccard(sets[i], sets[j])
            if score > NEAR_DUPLICATE_JACCARD:
                report.fail(
                    f"{articles[i].id} and {articles[j].id} are near-duplicates ({score:.2f})"
                )
    sentence_owners: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for sentence in _article_sentences(a.text):
            sentence_owners[sentence].add(a.id)
    repeated = [s for s, owners in sentence_owners.items() if len(owners) > 1]
    share = len(repeated) / max(1, len(sentence_owners))
    report.stats["repeated_long_sentences"] = {
        "distinct": len(sentence_owners),
        "repeated": len(repeated),
        "share": round(share, 4),
    }
    if share >= MAX_REPEATED_SENTENCE_SHARE:
        report.fail(
            f"{share:.1%} of long sentences occur in more than one article "
            f"(limit {MAX_REPEATED_SENTENCE_SHARE:.0%}), e.g. {repeated[0]!r}"
        )


def check_seed_overlap(
    articles: Sequence[LabelledArticle], seeds: Iterable[str], report: Report
) -> None:
    """No corpus article may reuse a seed sentence or be close to a seed as a whole."""
    for seed in seeds:
        seed_sentences = _article_sentences(seed)
        seed_shingles = shingles(seed)
        for a in articles:
            reused = seed_sentences & _article_sentences(a.text)
            if reused:
                report.fail(f"{a.id}: copies a seed sentence: {sorted(reused)[0]!r}")
            score = jaccard(seed_shingles, shingles(a.text))
            if score > SEED_OVERLAP_JACCARD:
                report.fail(f"{a.id}: overlaps a seed article (Jaccard {score:.2f})")


def check_split(articles: Sequence[LabelledArticle], report: Report) -> None:
    payload = json.loads(SPLIT_PATH.read_text(encoding="utf-8"))
    test_ids = set(payload["test"])
    known = {a.id for a in articles}
    train_ids = set(payload.get("train", ()))
    if (test_ids | train_ids) - known:
        report.fail(f"split.json names unknown ids: {sorted((test_ids | train_ids) - known)[:5]}")
    if test_ids & train_ids:
        report.fail(f"split.json puts ids on both sides: {sorted(test_ids & train_ids)[:5]}")
    unassigned = known - test_ids - train_ids
    if unassigned:
        report.fail(
            f"{len(unassigned)} articles are on neither side of split.json (e.g. "
            f"{sorted(unassigned)[0]}): run python -m training.corpus --extend-split"
        )
    by_key: dict[str, list[bool]] = defaultdict(list)
    for a in articles:
        by_key[a.label_key()].append(a.id in test_ids)
    for key, flags in by_key.items():
        if (
            len(flags) >= 10
            and abs(sum(flags) / len(flags) - payload["fraction"]) > SPLIT_TOLERANCE
        ):
            report.fail(f"label set {key}: {sum(flags)}/{len(flags)} in test, not stratified")
    report.stats["split"] = {"train": len(known - test_ids), "test": len(test_ids & known)}


def run_checks(corpus_path: Path = CORPUS_PATH) -> Report:
    report = Report()
    articles = load_labelled(corpus_path)
    known = set(label_definitions())
    check_schema(articles, known, report)
    check_marks(articles, report)
    check_balance(articles, known, report)
    check_duplicates(articles, report)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    check_seed_overlap(articles, seeds, report)
    check_split(articles, report)
    return report


def main() -> int:
    report = run_checks()
    stats = report.stats
    print(
        f"articles: {stats['articles']}  (train {stats['split']['train']}, "
        f"test {stats['split']['test']})"
    )
    print(f"no label: {stats['no_label']}   two or more labels: {stats['multi_label']}")
    print("per label:")
    for label, count in stats["per_label"].items():
        print(f"  {label:<26} {count}")
    print("per label combination:")
    for key, count in stats["per_combination"].items():
        print(f"  {key:<60} {count}")
    print(f"repeated long sentences: {stats['repeated_long_sentences']}")
    marks = stats["evidence"]
    print(f"labels with marked evidence: {marks['labels_marked']} of {marks['labels']}")
    for error in report.errors:
        print(f"ERROR {error}", file=sys.stderr)
    print("data check " + ("FAILED" if report.errors else "passed"))
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
