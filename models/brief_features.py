"""Per-sentence features for the learned brief selector, identical at training and serving time.

Each family is a few cheap numbers per candidate sentence, computed from the sentences alone
(plus the title when there is one), so the selector needs no model beyond a fitted TF-IDF
vocabulary; the MiniLM family is the only one that runs the encoder, and it is only computed
for designs that ask for it. Families are named so training can measure what each one buys
(training/brief_train.py, the ablation table in README "Briefs").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

# Feature families, in the order their columns appear. "minilm" needs sentence embeddings.
FAMILIES = ("position", "length", "centrality", "title", "entities", "quotes", "minilm")
ENCODER_FAMILIES = frozenset({"minilm"})

_QUOTE = re.compile('["\u201c\u201d]')
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|stated|announced|added|noted|warned|quoted)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
_DATE_WORD = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|yesterday|today)\b",
    re.IGNORECASE,
)
_MONEY_OR_SHARE = re.compile(r"[$\u20ac\u00a3%]|\b(?:percent|per cent|billion|million)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]*")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the features read: the candidate sentences in source order, their index among all
    the article's sentences, the article's sentence count, whether each opens a paragraph (a
    line), the title ("" when unknown) and, for encoder designs, unit-length embeddings of the
    sentences followed by the title's (when there is a title)."""

    texts: tuple[str, ...]
    positions: np.ndarray
    total: int
    paragraph_starts: np.ndarray
    title: str = ""
    embeddings: np.ndarray | None = None


def fit_vectorizer(documents: Sequence[str]) -> TfidfVectorizer:
    """The TF-IDF vocabulary and idf the centrality, title and redundancy terms use."""
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, min_df=2, stop_words="english", dtype=np.float32
    )
    return vectorizer.fit(documents)


def tfidf_rows(vectorizer: TfidfVectorizer, candidates: Candidates) -> sp.csr_matrix:
    """Unit-length TF-IDF rows of the sentences, then one for the title (empty if none)."""
    return vectorizer.transform([*candidates.texts, candidates.title])


def _cosines_to_centroid(rows: np.ndarray | sp.csr_matrix) -> np.ndarray:
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    if norm < 1e-9:
        return np.zeros(rows.shape[0])
    return np.asarray(rows @ (centroid / norm)).ravel()


def _position(c: Candidates) -> list[np.ndarray]:
    index = c.positions.astype(np.float64)
    return [
        1.0 / (1.0 + index),
        (index == 0).astype(np.float64),
        index / max(c.total, 1),
        c.paragraph_starts.astype(np.float64),
    ]


def _length(c: Candidates) -> list[np.ndarray]:
    words = np.array([len(t.split()) for t in c.texts], dtype=np.float64)
    return [np.log1p(words), (words < 8).astype(np.float64), (words > 40).astype(np.float64)]


def _centrality(sentence_rows: sp.csr_matrix) -> list[np.ndarray]:
    similarity = (sentence_rows @ sentence_rows.T).toarray()
    n = similarity.shape[0]
    to_centroid = _cosines_to_centroid(sentence_rows)
    others = (similarity.sum(axis=1) - similarity.diagonal()) / max(n - 1, 1)
    to_lead = similarity[:, 0]
    relative = to_centroid - to_centroid.max()
    return [to_centroid, others, to_lead, relative]


def _title(
    sentence_rows: sp.csr_matrix, title_row: sp.csr_matrix, c: Candidates
) -> list[np.ndarray]:
    to_title = np.asarray((sentence_rows @ title_row.T).toarray()).ravel()
    title_words = {w.lower() for w in _WORD.findall(c.title)}
    share = np.array(
        [
            len(title_words & {w.lower() for w in _WORD.findall(t)}) / max(len(title_words), 1)
            for t in c.texts
        ]
    )
    return [to_title, share, np.full(len(c.texts), float(bool(c.title.strip())))]


def _entities(c: Candidates) -> list[np.ndarray]:
    rows = []
    for text in c.texts:
        words = max(len(text.split()), 1)
        capitalised = max(len(_CAPITALISED.findall(text)) - 1, 0)  # the first word is always
        rows.append(
            (
                capitalised / words,
                math.log1p(len(_NUMBER.findall(text))),
                float(bool(_DATE_WORD.search(text))),
                float(bool(_MONEY_OR_SHARE.search(text))),
            )
        )
    return list(np.array(rows, dtype=np.float64).reshape(len(c.texts), 4).T)


def _quotes(c: Candidates) -> list[np.ndarray]:
    return [
        np.array([float(bool(_QUOTE.search(t))) for t in c.texts]),
        np.array([float(bool(_QUOTE.match(t.lstrip()))) for t in c.texts]),
        np.array([float(bool(_ATTRIBUTION.search(t))) for t in c.texts]),
    ]


def _minilm(c: Candidates) -> list[np.ndarray]:
    if c.embeddings is None:
        raise ValueError("the minilm feature family needs sentence embeddings")
    n = len(c.texts)
    sentences_ = c.embeddings[:n].astype(np.float64)
    to_centroid = _cosines_to_centroid(sentences_)
    to_lead = sentences_ @ sentences_[0]
    to_title = sentences_ @ c.embeddings[n] if len(c.embeddings) > n else np.zeros(n)
    return [to_centroid, to_centroid - to_centroid.max(), to_lead, to_title]


def features(
    vectorizer: TfidfVectorizer, candidates: Candidates, families: Sequence[str]
) -> tuple[np.ndarray, sp.csr_matrix]:
    """The feature matrix (sentences x columns of ``families``, in FAMILIES order) and the
    sentences' TF-IDF rows (the selector's redundancy measure)."""
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown feature families {unknown}; known: {', '.join(FAMILIES)}")
    rows = tfidf_rows(vectorizer, candidates)
    sentence_rows, title_row = rows[:-1], rows[-1]
    columns: list[np.ndarray] = []
    for family in FAMILIES:
        if family not in families:
            continue
        if family == "position":
            columns += _position(candidates)
        elif family == "length":
            columns += _length(candidates)
        elif family == "centrality":
            columns += _centrality(sentence_rows)
        elif family == "title":
            columns += _title(sentence_rows, title_row, candidates)
        elif family == "entities":
            columns += _entities(candidates)
        elif family == "quotes":
            columns += _quotes(candidates)
        else:
            columns += _minilm(candidates)
    return np.column_stack(columns), sentence_rows
