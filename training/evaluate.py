"""`newsbrief evaluate`: the classifier and the keyword baseline scored on the same articles.

Besides the metrics it lists every article either system gets wrong, because on real pages
the errors, grouped by cause, are what tell us what to change next.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from models.features import document_text
from models.loading import load_classifier
from models.settings import ModelSettings
from training.corpus import LabelledArticle, load_corpus, load_labelled, split
from training.keywords import KeywordBaseline
from training.metrics import expected_calibration_error, indicator, multilabel_report
from training.real import is_index, load_real


def _errors(
    articles: list[LabelledArticle],
    predicted: list[list[str]],
    scores: list[dict[str, float]] | None = None,
) -> list[dict[str, Any]]:
    """Articles whose predicted label set differs from the truth: what was missed or added."""
    rows = []
    for i, (article, labels) in enumerate(zip(articles, predicted, strict=True)):
        truth, guess = set(article.labels), set(labels)
        if truth == guess:
            continue
        row: dict[str, Any] = {
            "id": article.id,
            "truth": sorted(truth),
            "missed": sorted(truth - guess),
            "added": sorted(guess - truth),
            "words": len(article.text.split()),
        }
        if scores is not None:
            row["scores"] = {k: round(v, 3) for k, v in scores[i].items()}
        rows.append(row)
    return rows


def keyword_baseline(
    articles: list[LabelledArticle], tuning: list[LabelledArticle]
) -> dict[str, Any]:
    """Baseline metrics, its one knob (hits needed per label) tuned on ``tuning`` data."""
    labels = KeywordBaseline().labels

    def predict(baseline: KeywordBaseline, data: list[LabelledArticle]) -> list[list[str]]:
        return baseline.predict([document_text(a.text, a.title) for a in data])

    def report(predicted: list[list[str]], data: list[LabelledArticle]) -> dict[str, Any]:
        return multilabel_report(
            indicator([a.labels for a in data], labels), indicator(predicted, labels), labels
        )

    tune_on = tuning or articles
    hits = max(
        (1, 2, 3),
        key=lambda h: report(predict(KeywordBaseline(h), tune_on), tune_on)["macro_f1"],
    )
    predicted = predict(KeywordBaseline(hits), articles)
    return {
        "name": "keywords",
        "min_hits": hits,
        **report(predicted, articles),
        "errors": _errors(articles, predicted),
    }


def model_report(articles: list[LabelledArticle]) -> dict[str, Any]:
    """Load the configured classifier the way the service does and score it."""
    from models.encoder import SentenceEncoder

    classifier = load_classifier(ModelSettings.from_env(), SentenceEncoder)
    labels = classifier.labels
    predictions = classifier.predict([a.text for a in articles], [a.title for a in articles])
    predicted = [[t.label for t in p.topics] for p in predictions]
    truth = indicator([a.labels for a in articles], labels)
    report = multilabel_report(truth, indicator(predicted, labels), labels)
    probabilities = np.array([[p.scores[label] for label in labels] for p in predictions])
    ece = {
        "all": round(expected_calibration_error(probabilities, truth), 4),
        **{
            label: round(expected_calibration_error(probabilities[:, j], truth[:, j]), 4)
            for j, label in enumerate(labels)
        },
    }
    return {
        "model": classifier.version,
        "design": classifier.design,
        **report,
        "ece": ece,
        "errors": _errors(articles, predicted, [p.scores for p in predictions]),
    }


def load_articles(data: str | None) -> tuple[list[LabelledArticle], list[LabelledArticle]]:
    """(articles to score, articles the baseline may tune on).

    The baseline always tunes on the bundled training split, never on what it is scored on.
    """
    train, test = split(load_corpus())
    if not data:
        return test, train
    path = Path(data)
    return (load_real(path) if is_index(path) else load_labelled(path)), train


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
    if "ece" in report:
        lines.append(f"  expected calibration error {report['ece']['all']:.3f}")
    return "\n".join(lines)


def _error_lines(name: str, errors: list[dict[str, Any]]) -> str:
    lines = [f"{name} errors ({len(errors)}):"]
    for e in errors:
        detail = [f"missed {','.join(e['missed'])}"] if e["missed"] else []
        detail += [f"added {','.join(e['added'])}"] if e["added"] else []
        scores = e.get("scores")
        shown = "  " + " ".join(f"{k[:6]}={v:.2f}" for k, v in scores.items()) if scores else ""
        lines.append(f"  {e['id']:<10} {'; '.join(detail):<48} {e['words']:>4}w{shown}")
    return "\n".join(lines)


def run_evaluate(args: argparse.Namespace) -> int:
    articles, tuning = load_articles(args.data)
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
    if args.errors:
        if args.baseline != "keywords":
            print(_error_lines("model", result["errors"]))
        if baseline is not None:
            print(_error_lines("keyword baseline", baseline["errors"]))
    sys.stdout.flush()
    return 0
