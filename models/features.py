"""Feature extraction for the topic classifier, identical at training and at serving time.

The fitted parts (TF-IDF vocabulary, weights) are pickled in the artifact; the encoder is not,
it is the packaged model injected at load, so the artifact stays small and the weights are
never duplicated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from models.encoder import SentenceEncoder
from models.text import Segment, clean, segment

# Words per encoder window when embedding a whole document: under MiniLM's 256-token limit,
# so nothing is truncated away.
WINDOW_WORDS = 150
# Windows per document: bounds the cost of very long articles (the opening carries the topic).
MAX_WINDOWS = 4
# Designs that read sentence embeddings (and so need the encoder at serving time).
EMBEDDING_DESIGNS = frozenset({"embeddings", "combined"})
# How strongly dense embeddings count against the sparse TF-IDF block in the combined design.
EMBEDDING_WEIGHT = 1.0


# Sentences scored per article (pooling and evidence): bounds the cost of very long input.
MAX_UNITS = 400


def document_text(text: str, title: str = "") -> str:
    """What the classifier reads: the title and the article with page furniture removed."""
    body = clean(text)
    return f"{title.strip()}\n{body}" if title.strip() else body


@dataclass(frozen=True, slots=True)
class Parts:
    """An article as the classifier reads it: the whole document and its scored sentences.

    ``spans`` keep offsets into the original text (evidence); ``units`` are their normalised
    texts as the model sees them (sentence pooling), or the whole document if none were found.
    """

    doc: str
    spans: tuple[Segment, ...]
    units: tuple[str, ...]


def article_parts(text: str, title: str = "") -> Parts:
    """Segment once, derive document and sentences from the same segmentation."""
    segments = segment(text)
    body = unicodedata.normalize("NFKC", "\n".join(s.text for s in segments if s.kind != "noise"))
    doc = f"{title.strip()}\n{body}" if title.strip() else body
    spans = tuple(s for s in segments if s.kind == "sentence")[:MAX_UNITS]
    units = tuple(unicodedata.normalize("NFKC", s.text) for s in spans) or (doc,)
    return Parts(doc, spans, units)


def _windows(text: str) -> list[str]:
    """Consecutive runs of non-noise segments of at most WINDOW_WORDS words."""
    windows: list[str] = []
    current: list[str] = []
    count = 0
    for seg in segment(text):
        if seg.kind == "noise":
            continue
        words = len(seg.text.split())
        if current and count + words > WINDOW_WORDS:
            windows.append(" ".join(current))
            current, count = [], 0
        current.append(seg.text)
        count += words
    if current:
        windows.append(" ".join(current))
    return windows[:MAX_WINDOWS] or [text[:1000]]


def document_embeddings(encoder: SentenceEncoder, docs: Sequence[str]) -> np.ndarray:
    """Mean of window embeddings per document, re-normalised; all windows in one encoder call."""
    windows = [_windows(doc) for doc in docs]
    flat = [w for ws in windows for w in ws]
    vectors = encoder.encode(flat)
    out = np.zeros((len(docs), vectors.shape[1]), dtype=np.float32)
    position = 0
    for i, ws in enumerate(windows):
        mean = vectors[position : position + len(ws)].mean(axis=0)
        out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        position += len(ws)
    return out


def featurize(
    model: dict[str, Any],
    docs: Sequence[str],
    encoder: SentenceEncoder | None,
    embeddings: np.ndarray | None = None,
) -> Any:
    """The design's feature matrix for already-cleaned documents.

    ``embeddings`` lets training pass precomputed vectors so cross-validation encodes each
    document once rather than once per fold.
    """
    design = model["design"]
    blocks = []
    if "vectorizer" in model:
        blocks.append(model["vectorizer"].transform(docs))
    if design in EMBEDDING_DESIGNS:
        if embeddings is None:
            if encoder is None:
                raise RuntimeError(f"design {design!r} needs the sentence encoder")
            embeddings = document_embeddings(encoder, docs)
        if design == "embeddings":
            return embeddings
        blocks.append(sp.csr_matrix(embeddings * EMBEDDING_WEIGHT))
    return blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")
