"""The abstractive backend's path: local loading, explicit truncation, chunking, output shape.

The model is a tiny randomly initialised BART with a word-level tokenizer, both built here and
saved to a temporary directory, so the test is offline and fast. What it writes is noise; the
path is what is tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models.abstractive import (
    MAX_CHUNKS,
    AbstractiveSummarizer,
    Seq2SeqModel,
    trim,
)
from models.analyzer import NotBuiltError
from models.results import Evidence
from models.settings import ModelSettings
from models.text import sentences
from tests.summarizer_fakes import RecordingEntities

WORDS = (
    "turkey russia united states joint patrol patrols safe zone s-400 system missile minister "
    "said on monday tuesday the a of in to and with for was were is are troops ankara moscow "
    "washington sanctions delivery defense talks agreed first second idlib highway"
).split()
TOKENIZER_LIMIT = 48
POSITIONS = 64


def _build_tiny_bart(directory: Path, prefix: str = "") -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>", "<unk>"]
    vocab = {token: i for i, token in enumerate([*specials, *WORDS, ".", ","])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        model_max_length=TOKENIZER_LIMIT,
    )
    config = BartConfig(
        vocab_size=len(vocab),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=POSITIONS,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
    )
    if prefix:  # as T5 configs carry it
        config.task_specific_params = {"summarization": {"prefix": prefix}}
    model = BartForConditionalGeneration(config)
    # Random weights may end at once; make the noise at least a few words long.
    model.generation_config.min_new_tokens = 4
    model.generation_config.suppress_tokens = [0, 1, 3]
    tokenizer.save_pretrained(directory)
    model.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(scope="module")
def tiny(tiny_dir: Path) -> Seq2SeqModel:
    return Seq2SeqModel(tiny_dir)


class GenerateSpy:
    """Wraps model.generate, recording the shape of every input batch."""

    def __init__(self, model: Seq2SeqModel) -> None:
        self.inner = model.model.generate
        self.shapes: list[tuple[int, int]] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.shapes.append(tuple(kwargs["input_ids"].shape))
        return self.inner(**kwargs)


@pytest.fixture
def spy(tiny: Seq2SeqModel, monkeypatch: pytest.MonkeyPatch) -> GenerateSpy:
    recorder = GenerateSpy(tiny)
    monkeypatch.setattr(tiny.model, "generate", recorder)
    return recorder


def _article(n_sentences: int) -> str:
    pool = [
        "Turkey and Russia agreed on joint patrols in Idlib on Monday.",
        "The minister said the first patrol was on the highway.",
        "Washington said sanctions on Ankara were in talks.",
        "The delivery of the second S-400 system was on Tuesday.",
    ]
    return "\n".join(
        f"{pool[i % len(pool)][:-1]}, patrol {i % 7} said." for i in range(n_sentences)
    )


def test_the_input_limit_is_the_smallest_the_model_and_tokenizer_allow(tiny_dir: Path) -> None:
    assert Seq2SeqModel(tiny_dir).input_limit == TOKENIZER_LIMIT
    assert Seq2SeqModel(tiny_dir, max_input_tokens=20).input_limit == 20


def test_chunks_hold_whole_sentences_in_order_and_fit_the_limit(tiny: Seq2SeqModel) -> None:
    units = [s.text for s in sentences(_article(12))]
    chunks = tiny.chunks(units)
    assert len(chunks) > 1
    assert " ".join(chunks) == " ".join(units)
    for chunk in chunks:
        assert len(tiny.tokenizer(chunk)["input_ids"]) <= tiny.input_limit


def test_a_sentence_longer_than_the_limit_is_truncated(
    tiny: Seq2SeqModel, spy: GenerateSpy
) -> None:
    very_long = " ".join(["the patrol"] * 200) + "."
    assert len(tiny.tokenizer(very_long)["input_ids"]) > tiny.input_limit
    summary = tiny.summarize([very_long], max_new_tokens=8)
    assert isinstance(summary, str)
    assert spy.shapes == [(1, tiny.input_limit)]


def test_long_input_is_summarised_by_chunks_then_once_more(
    tiny: Seq2SeqModel, spy: GenerateSpy
) -> None:
    units = [s.text for s in sentences(_article(60))]
    assert len(tiny.chunks(units)) > MAX_CHUNKS
    tiny.summarize(units, max_new_tokens=8)
    (map_batch, map_length), (reduce_batch, reduce_length) = spy.shapes
    assert map_batch == MAX_CHUNKS and reduce_batch == 1
    assert max(map_length, reduce_length) <= tiny.input_limit


def test_an_abstractive_brief_is_text_without_offsets(tiny: Seq2SeqModel) -> None:
    summarizer = AbstractiveSummarizer(tiny, RecordingEntities())
    brief = summarizer.summarize(_article(20), max_sentences=2)
    assert brief.backend == "abstractive"
    assert brief.sentences == ()
    assert brief.text and isinstance(brief.text, str)
    assert brief.to_dict()["sentences"] == []


def test_generation_stops_within_the_decoder_positions(tiny: Seq2SeqModel) -> None:
    assert tiny.output_limit == POSITIONS - 1
    (summary,) = tiny.generate(["the patrol ."], max_new_tokens=10 * POSITIONS)
    assert len(tiny.tokenizer(summary, add_special_tokens=False)["input_ids"]) < POSITIONS


def test_focus_sentences_are_read_first(
    tiny: Seq2SeqModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _article(10)
    target = sentences(text)[7]
    seen: list[list[str]] = []

    def capture(units: list[str], max_new_tokens: int) -> str:
        seen.append(units)
        return "A summary."

    monkeypatch.setattr(tiny, "summarize", capture)
    summarizer = AbstractiveSummarizer(tiny, RecordingEntities())
    summarizer.summarize(text, focus=[Evidence(target.text, target.start, target.end)])
    assert seen[0][0] == target.text
    assert sorted(seen[0]) == sorted(s.text for s in sentences(text))


def test_trim_keeps_whole_generated_sentences_within_the_budget() -> None:
    summary = "Turkey agreed to patrols. Russia agreed too. Talks go on next week. Read more: x"
    assert trim(summary, 2, None) == "Turkey agreed to patrols. Russia agreed too."
    assert trim(summary, None, 7) == "Turkey agreed to patrols. Russia agreed too."
    assert trim(summary, None, 2) == "Turkey agreed to patrols."
    assert (
        trim(summary, 10, None)
        == "Turkey agreed to patrols. Russia agreed too. Talks go on next week."
    )


def test_a_t5_style_prefix_is_read_from_the_config(tmp_path: Path) -> None:
    model = Seq2SeqModel(_build_tiny_bart(tmp_path, prefix="summarize: "))
    assert model.prefix == "summarize: "
    assert model.chunks(["the patrol"] * 100)  # room is left for the prefix
    for chunk in model.chunks(["the patrol"] * 100):
        assert len(model.tokenizer(model.prefix + chunk)["input_ids"]) <= model.input_limit


def test_loading_builds_the_abstractive_backend_from_settings(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.entities
    from models.loading import load_summarizer

    monkeypatch.setattr(models.entities, "EntityExtractor", RecordingEntities)
    settings = ModelSettings(summarizer_backend="abstractive", abstractive_dir=tiny_dir)
    summarizer = load_summarizer(settings, lambda: pytest.fail("no encoder for abstractive"))
    assert summarizer.backend == "abstractive"
    missing = ModelSettings(summarizer_backend="abstractive", abstractive_dir=tmp_path / "none")
    with pytest.raises(NotBuiltError, match=r"config\.json"):
        load_summarizer(missing, lambda: pytest.fail("no encoder for abstractive"))
