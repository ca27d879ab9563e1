"""Stand-ins for the summarizer's models, so selection is tested fast and exactly.

The fake encoder is a hashed bag of words: sentences sharing words are similar, the same words
give the same vector, and it records every call so tests can check what was encoded.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from models.results import Entity


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
