"""The real summarizer (trained selector, spaCy, MiniLM where used) on the seed articles and
on long input.

Slow: these load the real models (once per session, tests/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.summarizer import MAX_SENTENCES_SCORED, Summarizer, native_bf16
from models.text import segment, sentences
from tests.summarizer_fakes import lead_selector

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_PATHS = sorted(SEEDS.glob("*.txt"))
# Furniture present in the seeds, none of which may reach a brief.
FURNITURE = ("6061172755001", "b5a623e2", "\nvideo", "ANKARA\n")


def _headings(text: str) -> list[str]:
    return [s.text for s in segment(text) if s.kind != "sentence"]


@pytest.mark.parametrize("max_sentences", [3, 20])
@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.name[:3])
def test_seed_briefs_hold_no_noise_and_no_repeated_headline(
    summarizer: Summarizer, path: Path, max_sentences: int
) -> None:
    text = path.read_text(encoding="utf-8")
    brief = summarizer.summarize(text, max_sentences=max_sentences)
    assert len(brief.sentences) == min(max_sentences, len(sentences(text)))
    article_sentences = {(s.start, s.end) for s in sentences(text)}
    for sentence in brief.sentences:
        assert (sentence.start, sentence.end) in article_sentences
        assert text[sentence.start : sentence.end] == sentence.text
    for heading_or_noise in _headings(text):
        assert heading_or_noise not in brief.text
    assert not any(marker.strip() in brief.text for marker in FURNITURE)
    keys = [" ".join(s.text.lower().split()) for s in brief.sentences]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.name[:3])
def test_seed_briefs_open_with_the_lead_and_name_key_facts(
    summarizer: Summarizer, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    brief = summarizer.summarize(text)
    assert brief.sentences[0].start == sentences(text)[0].start
    labels = {e.label for e in brief.entities}
    assert "GPE" in labels and len(brief.entities) >= 5


def test_word_budget_on_a_seed(summarizer: Summarizer) -> None:
    text = SEED_PATHS[3].read_text(encoding="utf-8")
    brief = summarizer.summarize(text, max_sentences=None, max_words=60)
    assert sum(len(s.text.split()) for s in brief.sentences) <= 60
    assert len(brief.sentences) >= 1


def test_a_20000_word_article_is_capped(summarizer: Summarizer) -> None:
    pool = [s.text for path in SEED_PATHS for s in sentences(path.read_text(encoding="utf-8"))]
    text = "\n".join(f"In dispatch {i}, {pool[i % len(pool)]}" for i in range(800))
    assert len(text.split()) >= 20_000
    prepared = summarizer.preprocess(text, 3, None, ())
    assert len(prepared.sentences) == MAX_SENTENCES_SCORED
    brief = summarizer.summarize(text)
    assert len(brief.sentences) == 3
    assert all(s.end <= prepared.sentences[-1].end for s in brief.sentences)


def test_bf16_embeddings_agree_with_float32(encoder) -> None:  # type: ignore[no-untyped-def]
    if not native_bf16():
        pytest.skip("this CPU has no native bfloat16; the summarizer encodes in float32")
    texts = [s.text for s in sentences(SEED_PATHS[0].read_text(encoding="utf-8"))]
    selector = lead_selector(("position", "minilm"))
    fast = Summarizer(selector, _NoFacts(), encoder, bf16=True)._embed(texts)
    exact = Summarizer(selector, _NoFacts(), encoder, bf16=False)._embed(texts)
    assert fast.dtype == np.float32
    assert float((fast * exact).sum(axis=1).min()) > 0.999


class _NoFacts:
    def extract(self, text: str) -> tuple[()]:
        return ()


def test_cli_brief_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    path = SEEDS / "001_18b194c529416b89.txt"
    assert main(["brief", str(path)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["id"] == path.stem
    assert set(result) == {"id", "brief"}
    text = path.read_text(encoding="utf-8")
    for sentence in result["brief"]["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    assert result["brief"]["entities"]
