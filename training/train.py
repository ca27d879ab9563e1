"""`newsbrief train`: compare designs by cross-validation, calibrate, tune thresholds, save.

Reproducible: folds, solvers and the split are seeded, so the same data and library versions
give the same artifact version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from models.artifact import CLASSIFIER_KEYS, ArtifactError, resolve_artifact, verify, write
from models.classifier import calibrate
from models.encoder import SentenceEncoder
from models.features import EMBEDDING_DESIGNS, Parts, article_parts, document_embeddings
from models.settings import ModelSettings
from training import designs
from training.corpus import (
    CORPUS_PATH,
    LabelledArticle,
    data_sha256,
    label_definitions,
    load_corpus,
    load_labelled,
    split,
)
from training.evidence import sentence_targets
from training.metrics import THRESHOLD_TOLERANCE, best_threshold, indicator, multilabel_report

SEED = 7
FOLDS = 5
# Designs whose cross-validated macro-F1 lies within this margin of the best count as tied;
# the cheaper one to serve wins.
TIE_MARGIN = 0.005


def _log(message: str) -> None:
    print(f"[train] {message}", file=sys.stderr, flush=True)


def _folds(articles: list[LabelledArticle]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified by label set; combinations too rare to spread over the folds are pooled."""
    keys = [a.label_key() for a in articles]
    counts = Counter(keys)
    keys = [k if counts[k] >= FOLDS else "rare" for k in keys]
    if Counter(keys)["rare"] and Counter(keys)["rare"] < FOLDS:
        keys = [k if k != "rare" else "none" for k in keys]
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(keys)), keys))


def _platt(decision: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label (slope, intercept) mapping out-of-fold margins to probabilities."""
    params = np.zeros((y.shape[1], 2))
    for j in range(y.shape[1]):
        lr = LogisticRegression(C=1e4, solver="lbfgs").fit(decision[:, [j]], y[:, j])
        params[j] = (lr.coef_[0, 0], lr.intercept_[0])
    return params


def cross_validate(
    design: str,
    labels: tuple[str, ...],
    parts: list[Parts],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    folds: list[tuple[np.ndarray, np.ndarray]],
    targets: list[np.ndarray] | None = None,
) -> dict[str, Any]:
    """Out-of-fold margins -> calibration, per-label thresholds and CV metrics."""
    oof = np.zeros(y.shape, dtype=float)
    for train_idx, valid_idx in folds:
        emb_train = embeddings[train_idx] if embeddings is not None else None
        emb_valid = embeddings[valid_idx] if embeddings is not None else None
        model = designs.fit(
            design,
            labels,
            [parts[i] for i in train_idx],
            y[train_idx],
            emb_train,
            SEED,
            [targets[i] for i in train_idx] if targets is not None else None,
        )
        oof[valid_idx] = designs.decision(model, [parts[i] for i in valid_idx], emb_valid)
    calibration = _platt(oof, y)
    probabilities = calibrate(oof, calibration)
    thresholds = [best_threshold(probabilities[:, j], y[:, j]) for j in range(len(labels))]
    predicted = (probabilities >= np.array(thresholds)).astype(int)
    report = multilabel_report(y, predicted, labels)
    brier = float(np.mean((probabilities - y) ** 2))
    return {
        "design": design,
        "calibration": calibration,
        "thresholds": dict(zip(labels, thresholds, strict=True)),
        "report": {**report, "brier": round(brier, 4)},
    }


def choose(results: list[dict[str, Any]]) -> dict[str, Any]:
    best = max(r["report"]["macro_f1"] for r in results)
    tied = [r for r in results if r["report"]["macro_f1"] >= best - TIE_MARGIN]
    return min(tied, key=lambda r: (designs.COST[r["design"]], designs.DESIGNS.index(r["design"])))


def train(
    train_articles: list[LabelledArticle],
    test_articles: list[LabelledArticle],
    name: str,
    models_dir: Path,
    definitions: dict[str, str],
    candidate_designs: tuple[str, ...] = designs.DEFAULT_DESIGNS,
) -> Path:
    """Fit, compare, calibrate and write ``<models_dir>/<name>-<version>/``."""
    started = time.monotonic()
    labels = tuple(sorted({label for a in train_articles for label in a.labels}))
    if len(labels) < 1:
        raise ValueError("training data has no labels at all")
    parts = [article_parts(a.text, a.title) for a in train_articles]
    y = indicator([a.labels for a in train_articles], labels)
    targets = [sentence_targets(a, p, labels) for a, p in zip(train_articles, parts, strict=True)]
    encoder = None
    embeddings = None
    if any(d in EMBEDDING_DESIGNS for d in candidate_designs):
        encoder = SentenceEncoder()
        _log(f"encoding {len(parts)} training documents")
        embeddings = document_embeddings(encoder, [p.doc for p in parts])
    folds = _folds(train_articles)
    results = []
    for design in candidate_designs:
        _log(f"cross-validating {design}")
        result = cross_validate(design, labels, parts, y, embeddings, folds, targets)
        _log(
            f"{design}: macro-F1 {result['report']['macro_f1']}, "
            f"exact match {result['report']['exact_match']}"
        )
        results.append(result)
    chosen = choose(results)
    design = chosen["design"]
    _log(f"chosen design: {design}")
    model = designs.fit(design, labels, parts, y, embeddings, SEED, targets)
    model["calibration"] = chosen["calibration"]
    data_hash = data_sha256(train_articles)
    recipe = f"{data_hash}:{design}:{SEED}:{designs.fingerprint()}:{THRESHOLD_TOLERANCE}"
    version = hashlib.sha256(recipe.encode()).hexdigest()[:10]
    meta: dict[str, Any] = {
        "name": name,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": list(labels),
        "definitions": {label: definitions.get(label, "") for label in labels},
        "thresholds": {k: round(v, 4) for k, v in chosen["thresholds"].items()},
        "design": design,
        "encoder": encoder.name if encoder is not None and design in EMBEDDING_DESIGNS else None,
        "seed": SEED,
        "training_data": {"sha256": data_hash, "n": len(train_articles)},
        "metrics": {
            "cross_validation": {r["design"]: r["report"] for r in results},
        },
    }
    if test_articles:
        from models.classifier import TopicClassifier

        probe = TopicClassifier({**model}, meta, encoder)
        test_parts = [article_parts(a.text, a.title) for a in test_articles]
        cut = np.array([meta["thresholds"][label] for label in labels])
        predicted = (probe.score(test_parts)[0] >= cut).astype(int)
        truth = indicator([a.labels for a in test_articles], labels)
        meta["metrics"]["held_out"] = multilabel_report(truth, predicted, labels)
        meta["test_data"] = {"sha256": data_sha256(test_articles), "n": len(test_articles)}
        _log(
            f"held-out: macro-F1 {meta['metrics']['held_out']['macro_f1']}, "
            f"exact match {meta['metrics']['held_out']['exact_match']}"
        )
    meta["training_seconds"] = round(time.monotonic() - started, 1)
    directory = write(models_dir / f"{name}-{version}", model, meta)
    _log(f"wrote {directory} in {meta['training_seconds']} s")
    return directory


def _existing(
    models_dir: Path, name: str, required: tuple[str, ...] = CLASSIFIER_KEYS
) -> Path | None:
    try:
        directory = resolve_artifact(models_dir, name)
        verify(directory, required)
    except ArtifactError as error:
        _log(f"no loadable artifact yet ({error})")
        return None
    return directory


def run_train(args: argparse.Namespace) -> int:
    """The classifier, then (on the bundled data) the brief selector; with ``--if-missing``
    each is only trained when no loadable artifact of its name exists."""
    settings = ModelSettings.from_env()
    only = getattr(args, "only", None)
    if only != "brief":
        _train_classifier(args, settings)
    if only != "classifier" and not args.data:
        _train_brief_selector(args, settings)
    return 0


def _train_brief_selector(args: argparse.Namespace, settings: ModelSettings) -> None:
    from models.brief_selector import BRIEF_KEYS
    from training.brief_train import train_brief

    name = settings.brief_model
    if args.if_missing:
        existing = _existing(settings.models_dir, name, BRIEF_KEYS)
        if existing is not None:
            _log(f"{existing.name} is present and loadable; nothing to do")
            return
    directory = train_brief(settings.models_dir, name)
    print(json.dumps({"artifact": str(directory), "name": directory.name}))


def _train_classifier(args: argparse.Namespace, settings: ModelSettings) -> None:
    name = args.name or settings.classifier
    if args.if_missing:
        existing = _existing(settings.models_dir, name)
        if existing is not None:
            _log(f"{existing.name} is present and loadable; nothing to do")
            return
    test_articles: list[LabelledArticle] = []
    if args.data:
        train_articles = load_labelled(Path(args.data))
        definitions: dict[str, str] = {}
    else:
        train_articles, test_articles = split(load_corpus())
        definitions = label_definitions()
        _log(
            f"bundled corpus {CORPUS_PATH.name}: {len(train_articles)} train, "
            f"{len(test_articles)} held out"
        )
    candidate = tuple(args.designs) if args.designs else designs.DEFAULT_DESIGNS
    unknown = [d for d in candidate if d not in designs.DESIGNS]
    if unknown:
        raise SystemExit(f"unknown design {unknown[0]!r}; choose from {', '.join(designs.DESIGNS)}")
    directory = train(
        train_articles, test_articles, name, settings.models_dir, definitions, candidate
    )
    print(json.dumps({"artifact": str(directory), "name": directory.name}))
