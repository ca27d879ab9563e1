"""The labelled corpus: reading it, hashing it, and the fixed train/test split.

The split is stored (data/split.json lists the held-out ids) rather than recomputed, so
training and evaluation always agree and adding articles never reshuffles the test set.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_PATH = DATA_DIR / "corpus.jsonl"
SPLIT_PATH = DATA_DIR / "split.json"
DEFINITIONS_PATH = DATA_DIR / "labels.json"
TEST_FRACTION = 0.2
SPLIT_SEED = 20191009


class CorpusError(ValueError):
    """Labelled data that cannot be used for training or evaluation."""


Spans = dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One article with its labels and, where marked, the sentences behind them.

    ``evidence[label]`` are the sentences (verbatim) that report the label; ``mentions[label]``
    are sentences that name a label the article does not get. Both teach the sentence model
    what a topic's own sentences look like, apart from the topics they usually appear with.
    """

    id: str
    title: str
    text: str
    labels: tuple[str, ...]
    notes: str = ""
    evidence: Spans = field(default_factory=dict)
    mentions: Spans = field(default_factory=dict)

    def label_key(self) -> str:
        return "+".join(sorted(self.labels)) or "none"


def _spans(row: dict[str, object], key: str) -> Spans:
    raw = row.get(key) or {}
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()
    ):
        raise TypeError(f"{key} must map labels to lists of sentences")
    return {str(k): tuple(v) for k, v in raw.items() if v}


def load_labelled(path: Path) -> list[LabelledArticle]:
    """Read labelled JSON Lines ({"id", "title"?, "text", "labels", "notes"?, "evidence"?,
    "mentions"?})."""
    articles = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels = row["labels"]
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise TypeError("labels must be a list of strings")
            articles.append(
                LabelledArticle(
                    id=str(row["id"]),
                    title=str(row.get("title") or ""),
                    text=str(row["text"]),
                    labels=tuple(sorted(set(labels))),
                    notes=str(row.get("notes") or ""),
                    evidence=_spans(row, "evidence"),
                    mentions=_spans(row, "mentions"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CorpusError(f"{path}:{number}: {error}") from None
    if not articles:
        raise CorpusError(f"{path}: no articles")
    return articles


def load_corpus() -> list[LabelledArticle]:
    return load_labelled(CORPUS_PATH)


def label_definitions() -> dict[str, str]:
    """Definitions of the bundled taxonomy (shown by the API and stored in the artifact)."""
    return dict(json.loads(DEFINITIONS_PATH.read_text(encoding="utf-8")))


def data_sha256(articles: Iterable[LabelledArticle]) -> str:
    """A hash of exactly what training saw: ids, titles, texts, labels and marked sentences."""
    digest = hashlib.sha256()
    for a in articles:
        record: list[object] = [a.id, a.title, a.text, list(a.labels)]
        if a.evidence or a.mentions:
            record += [{k: list(v) for k, v in sorted(a.evidence.items())}]
            record += [{k: list(v) for k, v in sorted(a.mentions.items())}]
        digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def stratified_test_ids(
    articles: Sequence[LabelledArticle],
    fraction: float = TEST_FRACTION,
    seed: int = SPLIT_SEED,
    already: frozenset[str] = frozenset(),
    settled: frozenset[str] = frozenset(),
) -> list[str]:
    """Every label combination contributes the same share of its new articles to the test set.

    Ids in ``already`` stay in the test set and ids in ``settled`` (already assigned to either
    side) never move: only the other articles are drawn from, a ``fraction`` of each label
    combination, so growing the corpus moves no article across the split.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        groups[a.label_key()].append(a.id)
    rng = random.Random(seed)
    known = {a.id for a in articles}
    test: list[str] = [i for i in already if i in known]
    fixed = settled | already
    for key in sorted(groups):
        fresh = sorted(i for i in groups[key] if i not in fixed)
        rng.shuffle(fresh)
        test.extend(fresh[: round(len(fresh) * fraction)])
    return sorted(test)


def split(
    articles: Sequence[LabelledArticle],
) -> tuple[list[LabelledArticle], list[LabelledArticle]]:
    """(train, test) by the stored split; unknown ids in the split file are an error."""
    test_ids = set(json.loads(SPLIT_PATH.read_text(encoding="utf-8"))["test"])
    known = {a.id for a in articles}
    missing = test_ids - known
    if missing:
        raise CorpusError(f"split.json names ids not in the corpus: {sorted(missing)[:5]}")
    return [a for a in articles if a.id not in test_ids], [a for a in articles if a.id in test_ids]


def extend_split(articles: Sequence[LabelledArticle]) -> int:
    """Assign newly written articles to data/split.json; no existing id changes side.

    The file lists both sides, so an article is new exactly when neither names it. Run
    `python -m training.corpus --extend-split` after adding articles; returns the number of
    test ids added.
    """
    already: frozenset[str] = frozenset()
    settled: frozenset[str] = frozenset()
    if SPLIT_PATH.exists():
        payload = json.loads(SPLIT_PATH.read_text(encoding="utf-8"))
        already = frozenset(payload["test"])
        settled = frozenset(payload.get("train", ()))
    test = stratified_test_ids(articles, already=already, settled=settled)
    train = sorted({a.id for a in articles} - set(test))
    payload = {
        "fraction": TEST_FRACTION,
        "seed": SPLIT_SEED,
        "stratified_by": "label set, among the articles added at each extension",
        "test": test,
        "train": train,
    }
    SPLIT_PATH.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return len(test) - len(already)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--extend-split"]:
        raise SystemExit("usage: python -m training.corpus --extend-split")
    print(f"added {extend_split(load_corpus())} test ids to {SPLIT_PATH}")
