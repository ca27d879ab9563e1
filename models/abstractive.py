"""Abstractive briefs from a local sequence-to-sequence model (BART, PEGASUS, T5...).

The optional backend (NEWSBRIEF_SUMMARIZER=abstractive): AutoModelForSeq2SeqLM and
AutoTokenizer read from NEWSBRIEF_ABSTRACTIVE_MODEL_DIR with local_files_only, so nothing is
ever downloaded. Input is truncated explicitly to what the model can read; a longer article is
cut into chunks of whole sentences, each chunk summarised, then the chunk summaries summarised
(map, then reduce). MAX_CHUNKS bounds the time on any input.

An abstractive brief is generated text, not a selection: ``Brief.sentences`` is always empty
because no sentence of it has offsets in the source. Use the extractive backend when briefs
must be traceable.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

from models.summarizer import BriefPipeline, Draft, EntityFinder, Prepared
from models.text import segment

# Input tokens per generate call at most; a model or tokenizer with a lower limit sets its own.
MAX_INPUT_TOKENS = 1024
# Chunks of a long article that are read; the rest is not (bounds generation time).
MAX_CHUNKS = 6
# Article sentences handed to the model: more than MAX_CHUNKS chunks ever hold.
MAX_INPUT_SENTENCES = 400
# Generated tokens for a brief bounded by sentence count; under a word budget, tokens per word.
DEFAULT_SUMMARY_TOKENS = 128
TOKENS_PER_WORD = 1.5
# Fewest tokens a chunk summary may have, however many chunks share the reduce step's input.
MIN_CHUNK_SUMMARY_TOKENS = 16


class Seq2SeqModel:
    """A local seq2seq summarisation model. Loaded once; one thread at a time."""

    def __init__(
        self,
        model_dir: Path,
        *,
        torch_threads: int | None = None,
        max_input_tokens: int = MAX_INPUT_TOKENS,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if torch_threads:
            torch.set_num_threads(torch_threads)
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise FileNotFoundError(
                f"no seq2seq model in {self.model_dir} (config.json missing); "
                "set NEWSBRIEF_ABSTRACTIVE_MODEL_DIR to a local transformers model directory"
            )
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(
            str(self.model_dir), local_files_only=True
        ).eval()
        task = (getattr(self.model.config, "task_specific_params", None) or {}).get(
            "summarization", {}
        )
        self.prefix: str = task.get("prefix", "")  # T5 reads "summarize: "
        self.input_limit = self._input_limit(max_input_tokens)
        # A decoder with learned positions cannot write past them (the start token takes one).
        positions = getattr(self.model.config, "max_position_embeddings", None)
        self.output_limit: int | None = positions - 1 if isinstance(positions, int) else None
        # Room per chunk for the text itself, after special tokens and the prefix.
        self._chunk_room = max(
            1,
            self.input_limit
            - self.tokenizer.num_special_tokens_to_add()
            - self._count(self.prefix),
        )

    def _input_limit(self, cap: int) -> int:
        limits = [cap]
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and tokenizer_limit < 1_000_000:
            limits.append(tokenizer_limit)
        positions = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(positions, int):
            limits.append(positions)
        return min(limits)

    def _count(self, text: str) -> int:
        if not text:
            return 0
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def chunks(self, units: Sequence[str]) -> list[str]:
        """Consecutive units (sentences) packed into texts that fit the input limit. A unit
        longer than the limit is a chunk of its own and is truncated when encoded."""
        chunks: list[str] = []
        current: list[str] = []
        used = 0
        for unit in units:
            size = self._count(unit)
            if current and used + size > self._chunk_room:
                chunks.append(" ".join(current))
                current, used = [], 0
            current.append(unit)
            used += size
        if current:
            chunks.append(" ".join(current))
        return chunks

    def generate(self, texts: Sequence[str], max_new_tokens: int) -> list[str]:
        """One summary per text; inputs beyond the limit are truncated, never silently long."""
        import torch

        if self.output_limit is not None:
            max_new_tokens = min(max_new_tokens, self.output_limit)

        batch = self.tokenizer(
            [self.prefix + text for text in texts],
            truncation=True,
            max_length=self.input_limit,
            padding=True,
            return_tensors="pt",
        )
        with torch.inference_mode():
            output = self.model.generate(**batch, max_new_tokens=max_new_tokens)
        decoded = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return [" ".join(t.split()) for t in decoded]

    def summarize(self, units: Sequence[str], max_new_tokens: int) -> str:
        """Map-reduce over chunks: the chunk summaries are sized to fit one input together."""
        chunks = self.chunks(units)[:MAX_CHUNKS]
        if len(chunks) <= 1:
            return self.generate(chunks or [""], max_new_tokens)[0]
        per_chunk = max(MIN_CHUNK_SUMMARY_TOKENS, self._chunk_room // len(chunks))
        partial = self.generate(chunks, per_chunk)
        return self.generate([" ".join(partial)], max_new_tokens)[0]


def trim(summary: str, max_sentences: int | None, max_words: int | None) -> str:
    """Whole generated sentences within the budget (at least one); furniture dropped."""
    pieces = [seg.text for seg in segment(summary) if seg.kind != "noise"]
    kept: list[str] = []
    words = 0
    for piece in pieces:
        size = len(piece.split())
        if max_sentences is not None and len(kept) >= max_sentences:
            break
        if max_words is not None and kept and words + size > max_words:
            break
        kept.append(piece)
        words += size
    return " ".join(kept)


class AbstractiveSummarizer(BriefPipeline):
    """Briefs written by a seq2seq model. ``sentences`` of the result is always empty: the
    text is generated, so it has no offsets in the source.

    Focus sentences are moved to the front of the model's input, so they are read even when
    the rest of a long article is truncated away.
    """

    backend = "abstractive"
    sentence_cap = MAX_INPUT_SENTENCES

    def __init__(self, model: Seq2SeqModel, entities: EntityFinder | None = None) -> None:
        self.model = model
        super().__init__(entities)

    def forward(self, prepared: Prepared) -> Draft:
        ordered = [s for s, f in zip(prepared.sentences, prepared.focus, strict=True) if f]
        ordered += [s for s, f in zip(prepared.sentences, prepared.focus, strict=True) if not f]
        budget = prepared.budget
        max_new_tokens = (
            DEFAULT_SUMMARY_TOKENS
            if budget.max_words is None
            else math.ceil(budget.max_words * TOKENS_PER_WORD)
        )
        summary = self.model.summarize([s.text for s in ordered], max_new_tokens)
        return Draft(prepared, trim(summary, budget.max_sentences, budget.max_words), ())
