"""Train the brief selector: oracle labels, designs compared by cross-validation, the artifact.

Every candidate sentence of a training-split article with a reference brief is labelled 1 when
it belongs to the greedy oracle extract against that reference (training/oracle.py), else 0.
A design (feature families, estimator, redundancy trade-off) is judged the way it will be
used: in each fold a selector is fitted on the other folds' sentences, and the held-out fold's
articles are briefed through the serving code (models.summarizer.Summarizer) and scored with
ROUGE against their references. The held-out references (reference_briefs.jsonl) are never
read here.

    python -m training.brief_train --ablation   # the design comparison table (make brief-cv)

`newsbrief train` calls ``train_brief`` to fit the chosen design (DEFAULT_DESIGN) on all the
training references and write ``brief-<version>/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from models.artifact import write
from models.brief_features import ENCODER_FAMILIES, FAMILIES, features, fit_vectorizer
from models.brief_selector import BriefSelector, selector_model
from models.extractive import Budget
from models.summarizer import (
    MAX_SENTENCES_SCORED,
    Encoder,
    Prepared,
    Summarizer,
    candidates,
    prepare,
)
from training.brief_eval import (
    BRIEF_SENTENCES,
    DEV_REFERENCES_PATH,
    Case,
    NoEntities,
    lead_clean,
    load_cases,
)
from training.corpus import DATA_DIR, load_corpus, split
from training.oracle import oracle_indices
from training.rouge import METRICS, rouge

SEED = 7
FOLDS = 5
DEFAULT_NAME = "brief"


@dataclass(frozen=True, slots=True)
class Design:
    """One way to build the selector."""

    name: str
    families: tuple[str, ...]
    estimator: str = "logreg"  # or "boosting"
    mmr_lambda: float = 0.7
    window: int = MAX_SENTENCES_SCORED

    @property
    def needs_encoder(self) -> bool:
        return bool(ENCODER_FAMILIES & set(self.families))


# The chosen design (`make brief-cv`): every cheap family but the title's, which bought nothing
# in cross-validation (-0.002 ROUGE-1 on 420 references) and is often absent at serving time.
# MiniLM similarities bought +0.001 on top (under the 0.005 an encoder per request must buy).
DEFAULT_FAMILIES = ("position", "length", "centrality", "entities", "quotes")
DEFAULT_DESIGN = Design("default", DEFAULT_FAMILIES)


def _with(family: str) -> tuple[str, ...]:
    return tuple(f for f in FAMILIES if f in DEFAULT_FAMILIES or f == family)


def ablation_designs() -> list[Design]:
    """The default, each of its families left out, position alone, the title and MiniLM
    families added, the other estimator, other redundancy trade-offs and a wider window."""
    designs = [DEFAULT_DESIGN, Design("position only", ("position",))]
    designs += [
        Design(f"without {family}", tuple(f for f in DEFAULT_FAMILIES if f != family))
        for family in DEFAULT_FAMILIES
    ]
    designs += [
        Design("with title", _with("title")),
        Design("with minilm", _with("minilm")),
        replace(DEFAULT_DESIGN, name="boosting", estimator="boosting"),
        replace(DEFAULT_DESIGN, name="no redundancy control", mmr_lambda=1.0),
        replace(DEFAULT_DESIGN, name="mmr 0.5", mmr_lambda=0.5),
        replace(DEFAULT_DESIGN, name="window 20", window=20),
    ]
    return designs


def _log(message: str) -> None:
    print(f"[brief] {message}", file=sys.stderr, flush=True)


class CachingEncoder:
    """The same vectors for the same text, computed once across folds and designs."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            self.cache.update(zip(new, self.encoder.encode(new), strict=True))
        return np.stack([self.cache[t] for t in texts])


def _prepared(case: Case, window: int) -> Prepared:
    return prepare(case.text, Budget(BRIEF_SENTENCES, None), window, title=case.title)


def _estimator(kind: str) -> Any:
    if kind == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    if kind == "boosting":
        return HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, max_leaf_nodes=15, random_state=SEED
        )
    raise ValueError(f"unknown estimator {kind!r}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


@cache
def _oracle_labels(texts: tuple[str, ...], reference: str) -> np.ndarray:
    y = np.zeros(len(texts), dtype=np.int64)
    y[oracle_indices(texts, reference, BRIEF_SENTENCES)] = 1
    return y


def labelled_rows(
    cases: Sequence[Case], design: Design, vectorizer: Any, encoder: Encoder | None
) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and oracle labels of every candidate sentence of articles that need a
    choice (an article that fits the brief whole teaches nothing)."""
    matrices, labels = [], []
    for case in cases:
        prepared = _prepared(case, design.window)
        if len(prepared.sentences) <= BRIEF_SENTENCES:
            continue
        texts = tuple(_one_line(s.text) for s in prepared.sentences)
        embeddings = None
        if design.needs_encoder:
            assert encoder is not None
            raw = [s.text for s in prepared.sentences]
            embeddings = encoder.encode(raw + ([prepared.title] if prepared.title else []))
        matrix, _ = features(vectorizer, candidates(prepared, embeddings), design.families)
        matrices.append(matrix)
        labels.append(_oracle_labels(texts, case.reference))
    return np.vstack(matrices), np.concatenate(labels)


def fit_selector(
    cases: Sequence[Case], design: Design, vectorizer: Any, encoder: Encoder | None = None
) -> BriefSelector:
    x, y = labelled_rows(cases, design, vectorizer, encoder)
    estimator = _estimator(design.estimator).fit(x, y)
    return BriefSelector(
        selector_model(design.families, vectorizer, estimator, design.window, design.mmr_lambda)
    )


def mean_rouge(briefs: Sequence[str], cases: Sequence[Case]) -> dict[str, float]:
    scores = [rouge(brief, case.reference) for brief, case in zip(briefs, cases, strict=True)]
    return {m: round(statistics.fmean(s[m] for s in scores), 4) for m in METRICS}


def _folds(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(KFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(np.zeros(n)))


def cross_validate(
    cases: Sequence[Case], design: Design, vectorizer: Any, encoder: Encoder | None = None
) -> dict[str, float]:
    """Mean ROUGE of out-of-fold briefs (each article briefed by a selector that never saw
    its reference)."""
    briefs = [""] * len(cases)
    for train_idx, valid_idx in _folds(len(cases)):
        selector = fit_selector([cases[i] for i in train_idx], design, vectorizer, encoder)
        writer = Summarizer(selector, NoEntities(), encoder, bf16=False)
        for i in valid_idx:
            case = cases[i]
            briefs[i] = writer.summarize(
                case.text, max_sentences=BRIEF_SENTENCES, title=case.title
            ).text
    return mean_rouge(briefs, cases)


def corpus_vectorizer() -> Any:
    """TF-IDF fitted on the training split's article texts (never the held-out ones)."""
    train_articles, _ = split(load_corpus())
    return fit_vectorizer([f"{a.title}\n{a.text}" for a in train_articles])


def training_cases(references: Path = DEV_REFERENCES_PATH) -> list[Case]:
    cases, missing = load_cases(references, DATA_DIR)
    if missing:
        _log(f"{len(missing)} reference ids have no article: {missing[:5]}")
    return cases


def ablation(
    cases: Sequence[Case], vectorizer: Any, encoder: Encoder | None, designs: Sequence[Design]
) -> list[dict[str, Any]]:
    rows = [{"design": "lead-3-clean", **mean_rouge([lead_clean(c.text) for c in cases], cases)}]
    for design in designs:
        started = time.monotonic()
        scores = cross_validate(
            cases, design, vectorizer, encoder if design.needs_encoder else None
        )
        rows.append({"design": design.name, **scores})
        _log(f"{design.name}: {scores} ({time.monotonic() - started:.0f} s)")
    return rows


def _table(rows: Sequence[dict[str, Any]], n: int) -> str:
    base = next(r for r in rows if r["design"] == DEFAULT_DESIGN.name)
    lines = [
        f"{FOLDS}-fold CV on {n} training-split references (rouge-score, stemmed F1):",
        f"  {'design':<24} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'R-1 vs default':>15}",
    ]
    for row in rows:
        lines.append(
            f"  {row['design']:<24} {row['rouge1']:>8.4f} {row['rouge2']:>8.4f} "
            f"{row['rougeL']:>8.4f} {row['rouge1'] - base['rouge1']:>+15.4f}"
        )
    return "\n".join(lines)


def train_brief(
    models_dir: Path, name: str = DEFAULT_NAME, design: Design = DEFAULT_DESIGN
) -> Path:
    """Cross-validate the design, fit it on every training reference, write the artifact."""
    started = time.monotonic()
    cases = training_cases()
    vectorizer = corpus_vectorizer()
    encoder: Encoder | None = None
    if design.needs_encoder:
        from models.encoder import SentenceEncoder

        encoder = CachingEncoder(SentenceEncoder())
    _log(f"cross-validating {design.name} on {len(cases)} training references")
    cv = cross_validate(cases, design, vectorizer, encoder)
    lead = mean_rouge([lead_clean(c.text) for c in cases], cases)
    _log(f"CV {cv}; lead-3-clean {lead}")
    selector = fit_selector(cases, design, vectorizer, encoder)
    data_hash = hashlib.sha256(
        json.dumps(sorted((c.id, c.reference) for c in cases)).encode()
    ).hexdigest()
    recipe = json.dumps({**asdict(design), "data": data_hash, "seed": SEED}, sort_keys=True)
    version = hashlib.sha256(recipe.encode()).hexdigest()[:10]
    model = selector_model(
        design.families, selector.vectorizer, selector.estimator, design.window, design.mmr_lambda
    )
    meta: dict[str, Any] = {
        "name": name,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "design": design.name,
        "families": list(design.families),
        "estimator": design.estimator,
        "window": design.window,
        "mmr_lambda": design.mmr_lambda,
        "seed": SEED,
        "training_data": {"sha256": data_hash, "n": len(cases)},
        "metrics": {"cross_validation": cv, "lead_3_clean": lead},
        "training_seconds": round(time.monotonic() - started, 1),
    }
    directory = write(models_dir / f"{name}-{version}", model, meta)
    _log(f"wrote {directory} in {meta['training_seconds']} s")
    return directory


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.brief_train", description=__doc__)
    parser.add_argument("--references", type=Path, default=DEV_REFERENCES_PATH)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-encoder", action="store_true", help="skip the MiniLM designs")
    args = parser.parse_args(argv)
    cases = training_cases(args.references)
    designs = [d for d in ablation_designs() if not (args.no_encoder and d.needs_encoder)]
    encoder: Encoder | None = None
    if any(d.needs_encoder for d in designs):
        from models.encoder import SentenceEncoder

        encoder = CachingEncoder(SentenceEncoder())
    rows = ablation(cases, corpus_vectorizer(), encoder, designs)
    print(json.dumps({"n": len(cases), "rows": rows}) if args.json else _table(rows, len(cases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
