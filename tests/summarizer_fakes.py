"""Stand-ins for the summarizer's models, so selection is tested fast and exactly.

The fake encoder is a hashed bag of words: sentences sharing words are similar, the same words
give the same vector, and it records every call so tests can check what was encoded. The lead
selector is a real BriefSelector fitted on synthetic data to prefer the first sentences.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from models.artifact import write
from models.brief_features import Candidates, features, fit_vectorizer
from models.brief_selector import BriefSelector, selector_model
from models.results import Entity
from models.summarizer import MAX_SENTENCES_SCORED
from models.text import sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class BagOfWordsEncoder:
    """Unit-length hashed bag of lower-cased words; records the texts of every call."""

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


class RecordingEntities:
    """No key facts; remembers the text it was asked about."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def extract(self, text: str) -> tuple[Entity, ...]:
        self.texts.append(text)
        return ()


def lead_selector(families: tuple[str, ...] = ("position", "length")) -> BriefSelector:
    """A real selector, fitted in milliseconds on synthetic articles to prefer the first three
    sentences (so tests can predict its choices); with "minilm" among ``families`` it reads
    embeddings, which it was fitted on from BagOfWordsEncoder."""
    texts = tuple(f"Sentence {i} of the synthetic article says something new." for i in range(12))
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    vectorizer = fit_vectorizer([s.text for seed in seeds for s in sentences(seed)])
    embeddings = BagOfWordsEncoder().encode([*texts, "Title"])
    candidates = Candidates(
        texts=texts,
        positions=np.arange(12.0),
        total=12,
        paragraph_starts=np.ones(12, dtype=bool),
        title="Title",
        embeddings=embeddings,
    )
    matrix, _ = features(vectorizer, candidates, families)
    labels = (np.arange(12) < 3).astype(int)
    estimator = LogisticRegression().fit(np.vstack([matrix] * 4), np.concatenate([labels] * 4))
    return BriefSelector(selector_model(families, vectorizer, estimator, MAX_SENTENCES_SCORED, 0.7))


def write_lead_selector(directory: Path) -> Path:
    """lead_selector() saved as a verified artifact (``directory`` is ``<models>/brief-test``),
    for tests that load models as the service does."""
    selector = lead_selector()
    model = selector_model(
        selector.families,
        selector.vectorizer,
        selector.estimator,
        selector.window,
        selector.mmr_lambda,
    )
    meta = {
        "name": "brief",
        "version": "test",
        "families": list(selector.families),
        "window": selector.window,
        "mmr_lambda": selector.mmr_lambda,
    }
    return write(directory, model, meta)


class RecordingSelector:
    """Wraps a selector and remembers how many candidates each call scored."""

    def __init__(self, inner: BriefSelector) -> None:
        self.inner = inner
        self.window = inner.window
        self.needs_encoder = inner.needs_encoder
        self.mmr_lambda = inner.mmr_lambda
        self.scored: list[int] = []

    def score(self, candidates: Candidates) -> tuple[np.ndarray, np.ndarray]:
        self.scored.append(len(candidates.texts))
        return self.inner.score(candidates)
