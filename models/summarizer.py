"""The brief: a short summary of an article, with its key facts.

Shaped like a transformers pipeline: ``preprocess`` turns the raw article into what the model
reads (page furniture removed, sentences with offsets into the caller's original string, the
focus marked, long input capped), ``forward`` runs the backend, ``postprocess`` adds the key
facts and builds the result. The default backend is extractive: a learned selector
(models/brief_selector.py) scores whole sentences of the article and models/extractive.py picks
them, so every brief sentence can be traced to the source. The
abstractive backend (models/abstractive.py) shares preprocess and postprocess.
"""

from __future__ import annotations

import abc
import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from models.analyzer import DEFAULT_MAX_SENTENCES
from models.article import ArticleError
from models.brief_features import Candidates
from models.extractive import Budget, select, with_focus
from models.results import Brief, BriefSentence, Entity, Evidence
from models.text import Segment, body_sentences, clean, segment

# Sentences the brief selector is trained on and scores for a default brief (its window): the
# first MAX_SENTENCES_SCORED (news puts its key facts first; 10 sentences is about 230 words).
# 97% of the sentences that best match the training references (greedy oracle) are among the
# first 10, and scoring 20 changed cross-validated ROUGE-1 by -0.002 (README "Briefs"); it also
# bounds the time of any input.
MAX_SENTENCES_SCORED = 10
# A longer brief reads twice the sentences it needs, up to MAX_WINDOW; a word budget is counted
# in sentences of WORDS_PER_SENTENCE words (news sentences average 20-25).
MAX_WINDOW = 40
WORDS_PER_SENTENCE = 20
# Words of the cleaned article that NER reads for the key facts: the opening, where news names
# its actors, at a fixed cost (spaCy's small model reads about 11,000 words a second here, so
# NER is most of a brief's time now that no encoder runs; 150 words halves it against 300).
MAX_FACT_WORDS = 150
# Focus sentences beyond that cap that are still considered, because the caller asked for them.
MAX_FOCUS_SENTENCES = 12
# Sentences per encoder call. SentenceEncoder pads a batch to its longest text, and news
# sentences run from 5 to 70 tokens, so length-sorted groups this small compute much less
# padding than one batch (see EMBED_GROUP in README "Briefs" for the measurement).
EMBED_GROUP = 5
# Score of every sentence of an article short enough to be returned whole.
WHOLE_ARTICLE_SCORE = 1.0


class Encoder(Protocol):
    """What the extractive backend needs of a sentence encoder (models.encoder.SentenceEncoder)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Selector(Protocol):
    """What the extractive backend needs of a sentence selector (models.brief_selector)."""

    window: int
    needs_encoder: bool
    mmr_lambda: float

    def score(self, candidates: Candidates) -> tuple[np.ndarray, np.ndarray]: ...


class EntityFinder(Protocol):
    """What postprocess needs to list key facts (models.entities.EntityExtractor)."""

    def extract(self, text: str) -> tuple[Entity, ...]: ...


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article ready for a backend: candidate sentences in source order, and what goes
    with them (their index among the article's ``total`` sentences, whether each opens a
    paragraph, whether the caller focused on it); ``truncated`` when the article has sentences
    beyond the backend's cap; ``facts_text`` is the cleaned opening the key facts are drawn
    from; ``title`` is the caller's ("" when not given).
    """

    text: str
    sentences: tuple[Segment, ...]
    positions: np.ndarray
    focus: np.ndarray
    truncated: bool
    facts_text: str
    budget: Budget
    total: int = 0
    paragraph_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    title: str = ""

    @property
    def word_counts(self) -> np.ndarray:
        return np.array([len(s.text.split()) for s in self.sentences], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Draft:
    """A backend's output before postprocessing: the brief's text and, if extractive, its
    sentences with offsets."""

    prepared: Prepared
    text: str
    sentences: tuple[BriefSentence, ...]


def _overlaps(segment_: Segment, spans: Sequence[Evidence]) -> bool:
    return any(span.start < segment_.end and segment_.start < span.end for span in spans)


def _opens_paragraph(text: str, sentence: Segment) -> bool:
    """True when only white space precedes the sentence on its line."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return not text[line_start : sentence.start].strip()


def prepare(
    text: str,
    budget: Budget,
    window: int,
    focus: Sequence[Evidence] = (),
    title: str = "",
) -> Prepared:
    """The article as a backend reads it: its first ``window`` body sentences (plus focus
    sentences further down), or its heading lines when it has no sentence at all. Raises
    ArticleError("text", ...) when nothing is left once the furniture is removed."""
    article = body_sentences(text)
    if not article:  # a text of unpunctuated lines only: its lines are what it says
        article = [s for s in segment(text) if s.kind == "heading"]
    if not article:
        raise ArticleError(
            "text",
            "has no article text to summarize: it is empty or only page furniture "
            "(repeated headlines, bylines, captions, links, embed ids)",
        )
    chosen = list(range(min(len(article), window)))
    if focus:
        late = [i for i in range(len(chosen), len(article)) if _overlaps(article[i], focus)]
        chosen.extend(late[:MAX_FOCUS_SENTENCES])
    return Prepared(
        text=text,
        sentences=tuple(article[i] for i in chosen),
        positions=np.array(chosen, dtype=np.float64),
        focus=np.array([_overlaps(article[i], focus) for i in chosen], dtype=bool),
        truncated=len(article) > window,
        facts_text=clean(text[: _facts_cutoff(article)]),
        budget=budget,
        total=len(article),
        paragraph_starts=np.array(
            [i == 0 or _opens_paragraph(text, article[i]) for i in chosen], dtype=bool
        ),
        title=" ".join(title.split()),
    )


def candidates(prepared: Prepared, embeddings: np.ndarray | None = None) -> Candidates:
    """What the selector's features read of a prepared article."""
    return Candidates(
        texts=tuple(s.text for s in prepared.sentences),
        positions=prepared.positions,
        total=prepared.total,
        paragraph_starts=prepared.paragraph_starts,
        title=prepared.title,
        embeddings=embeddings,
    )


def _facts_cutoff(article: Sequence[Segment]) -> int:
    """End offset of the opening that NER reads: whole sentences up to MAX_FACT_WORDS words
    (at least one)."""
    end, words = article[0].end, 0
    for sentence in article:
        words += len(sentence.text.split())
        if words > MAX_FACT_WORDS:
            break
        end = sentence.end
    return end


def _one_line(text: str) -> str:
    return " ".join(text.split())


def native_bf16() -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX).

    There, encoding under bf16 autocast takes about half the time and the embeddings agree with
    float32 to a cosine of 0.9999; elsewhere bf16 is emulated and slower, so float32 is kept.
    """
    import torch

    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


class BriefPipeline(abc.ABC):
    """preprocess -> forward -> postprocess; subclasses provide ``forward``, ``backend`` and
    ``sentence_cap`` (how many sentences, from the top, the backend reads), or override
    ``window`` when that depends on the length asked for."""

    backend: str
    sentence_cap: int

    def window(self, budget: Budget) -> int:
        """Sentences, from the top, the backend reads for a brief of this budget."""
        return self.sentence_cap

    def __init__(self, entities: EntityFinder | None = None) -> None:
        if entities is None:
            from models.entities import EntityExtractor

            entities = EntityExtractor()
        self.entities = entities

    def summarize(
        self,
        text: str,
        *,
        max_sentences: int | None = DEFAULT_MAX_SENTENCES,
        max_words: int | None = None,
        focus: Sequence[Evidence] = (),
        title: str = "",
    ) -> Brief:
        """A brief of at most ``max_sentences`` sentences and/or ``max_words`` words.

        ``focus`` holds spans of ``text`` (classifier evidence for the requested topics);
        sentences overlapping them are preferred. ``title``, when known, is one of the
        selector's signals. Raises ArticleError("text", ...) when the article has nothing to
        summarize.
        """
        prepared = self.preprocess(text, max_sentences, max_words, focus, title)
        return self.postprocess(self.forward(prepared))

    def preprocess(
        self,
        text: str,
        max_sentences: int | None,
        max_words: int | None,
        focus: Sequence[Evidence],
        title: str = "",
    ) -> Prepared:
        if max_sentences is None and max_words is None:
            max_sentences = DEFAULT_MAX_SENTENCES
        budget = Budget(max_sentences, max_words)
        return prepare(text, budget, self.window(budget), focus, title)

    @abc.abstractmethod
    def forward(self, prepared: Prepared) -> Draft:
        """Run the backend."""

    def postprocess(self, draft: Draft) -> Brief:
        return Brief(
            text=draft.text,
            sentences=draft.sentences,
            entities=self.entities.extract(draft.prepared.facts_text),
            backend=self.backend,
        )


class Summarizer(BriefPipeline):
    """Extractive briefs: whole article sentences (the first without its dateline) scored by
    the learned selector (models/brief_selector.py), focus first, decoded with redundancy
    control (models/extractive.py), in source order, each with its offsets and score.

    The encoder is only used when the selector's design reads MiniLM features; pass the
    process's shared SentenceEncoder then (left out, the packaged MiniLM is loaded here).
    ``bf16`` encodes under bfloat16 autocast (default: when the CPU supports it natively, see
    native_bf16).
    """

    backend = "extractive"

    def __init__(
        self,
        selector: Selector,
        entities: EntityFinder | None = None,
        encoder: Encoder | None = None,
        *,
        bf16: bool | None = None,
    ) -> None:
        self.selector = selector
        self.sentence_cap = selector.window
        if selector.needs_encoder and encoder is None:
            from models.encoder import SentenceEncoder

            encoder = SentenceEncoder()
        self.encoder = encoder if selector.needs_encoder else None
        self.bf16 = native_bf16() if bf16 is None and self.encoder is not None else bool(bf16)
        super().__init__(entities)

    def window(self, budget: Budget) -> int:
        """The selector's window, or twice the sentences a longer brief needs (a word budget
        counted at WORDS_PER_SENTENCE), up to MAX_WINDOW: a 20-sentence brief still chooses."""
        wanted = budget.max_sentences or math.ceil((budget.max_words or 0) / WORDS_PER_SENTENCE)
        return min(MAX_WINDOW, max(self.sentence_cap, 2 * wanted))

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings in ``texts`` order, encoded in length-sorted groups of EMBED_GROUP."""
        assert self.encoder is not None
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        groups = [order[i : i + EMBED_GROUP] for i in range(0, len(order), EMBED_GROUP)]
        with self._precision():
            encoded = [self.encoder.encode([texts[i] for i in group]) for group in groups]
        if not encoded:
            return np.zeros((0, 0), dtype=np.float32)
        out = np.empty((len(texts), encoded[0].shape[1]), dtype=np.float32)
        for group, vectors in zip(groups, encoded, strict=True):
            out[group] = vectors
        return out

    def _precision(self) -> contextlib.AbstractContextManager[object]:
        if not self.bf16:
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def forward(self, prepared: Prepared) -> Draft:
        """A short article (all of it fits the budget) comes back whole, without scoring;
        its sentences score WHOLE_ARTICLE_SCORE."""
        words = prepared.word_counts
        if not prepared.truncated and prepared.budget.fits(words):
            picks = [(s, WHOLE_ARTICLE_SCORE) for s in prepared.sentences]
        else:
            embeddings = None
            if self.encoder is not None:
                texts = [s.text for s in prepared.sentences]
                embeddings = self._embed(texts + ([prepared.title] if prepared.title else []))
            scores, similarity = self.selector.score(candidates(prepared, embeddings))
            scores = with_focus(scores, prepared.focus)
            chosen = select(similarity, scores, words, prepared.budget, self.selector.mmr_lambda)
            picks = [(prepared.sentences[i], float(scores[i])) for i in chosen]
        sentences = tuple(BriefSentence(s.text, s.start, s.end, score) for s, score in picks)
        return Draft(prepared, " ".join(_one_line(s.text) for s in sentences), sentences)
