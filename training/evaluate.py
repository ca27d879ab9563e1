"""`newsbrief evaluate`: the classifier and the keyword baseline scored on the same articles."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.features import document_text
from models.loading import load_classifier
from models.settings import ModelSettings
from training.corpus import LabelledArticle, load_corpus, load_labelled, split
from training.keywords import KeywordBaseline
from training.metrics import indicator, multilabel_report


def keyword_baseline(
    articles: list[LabelledArticle], tuning: list[LabelledArticle]
) -> dict[str, Any]:
    """Baseline metrics, its one knob (hits needed per label) tuned on ``tuning`` data."""
    labels = KeywordBaseline().labels

    def report(baseline: KeywordBaseline, data: list[LabelledArticle]) -> dict[str, Any]:
        predicted = baseline.predict([document_text(a.text, a.title) for a in data])
        return multilabel_report(
            indicator([a.labels for a in data], labels), indicator(predicted, labels), labels
        )

    hits = max((1, 2, 3), key=lambda h: report(KeywordBaseline(h), tuning or articles)["macro_f1"])
    return {"name": "keywords", "min_hits": hits, **report(KeywordBaseline(hits), articles)}


def model_report(articles: list[LabelledArticle]) -> dict[str, Any]:
    """Load the configured classifier the way the service does and score it."""
    from models.encoder import SentenceEncoder

    classifier = load_classifier(ModelSettings.from_env(), SentenceEncoder)
    labels = classifier.labels
    predictions = classifier.predict([a.text for a in articles], [a.title for a in articles])
    predicted = [[t.label for t in p.topics] for p in predictions]
    truth = indicator([a.labels for a in articles], labels)
    report = multilabel_report(truth, indicator(predicted, labels), labels)
    return {"model": classifier.version, "design": classifier.design, **report}


def _table(name: str, report: dict[str, Any]) -> str:
    lines = [
        f"{name}: macro-F1 {report['macro_f1']:.3f}  micro-F1 {report['micro_f1']:.3f}  "
        f"exact match {report['exact_match']:.3f}  n={report['n']}"
    ]
    for label, row in report["labels"].items():
        lines.append(
            f"  {label:<26} P {row['precision']:.3f}  R {row['recall']:.3f}  "
            f"F1 {row['f1']:.3f}  support {row['support']}"
        )
    return "\n".join(lines)


def run_evaluate(args: argparse.Namespace) -> int:
    tuning: list[LabelledArticle] = []
    if args.data:
        articles = load_labelled(Path(args.data))
    else:
        tuning, articles = split(load_corpus())
    # The keyword patterns exist only for the bundled taxonomy.
    applicable = {label for a in articles for label in a.labels} <= set(KeywordBaseline().labels)
    baseline = keyword_baseline(articles, tuning) if applicable else None
    if args.baseline == "keywords":
        if baseline is None:
            raise SystemExit("the keyword baseline only knows the bundled four topics")
        result = baseline
    else:
        result = {**model_report(articles), "baseline": baseline}
        if baseline is not None:
            result["macro_f1_over_baseline"] = round(result["macro_f1"] - baseline["macro_f1"], 4)
    if args.json:
        print(json.dumps(result))
        return 0
    if args.baseline != "keywords":
        print(_table(f"model {result['model']} ({result['design']})", result))
    if baseline is not None:
        print(_table(f"keyword baseline (min hits {baseline['min_hits']})", baseline))
    if "macro_f1_over_baseline" in result:
        print(f"macro-F1 over baseline: {result['macro_f1_over_baseline']:+.3f}")
    sys.stdout.flush()
    return 0
