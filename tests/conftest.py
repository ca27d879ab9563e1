"""Shared fixtures. Real models load once per session; tests that need them are `slow`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.classifier import TopicClassifier
from models.encoder import SentenceEncoder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    """The packaged MiniLM encoder, loaded once."""
    return SentenceEncoder()


@pytest.fixture(scope="session")
def classifier(encoder: SentenceEncoder) -> TopicClassifier:
    """The trained topic classifier from the configured models directory (`make artifacts`)."""
    from models.loading import load_classifier
    from models.settings import ModelSettings

    return load_classifier(ModelSettings.from_env(), lambda: encoder)


@pytest.fixture(scope="session")
def small_artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real TF-IDF classifier artifact (election, flood, football) trained in about a second
    on tests/fixtures/other_taxonomy.jsonl: no encoder and no `make artifacts` needed.
    Its models directory holds nothing else; the artifact name is "weather"."""
    from training.corpus import load_labelled
    from training.train import train

    fixture = Path(__file__).resolve().parent / "fixtures" / "other_taxonomy.jsonl"
    models_dir = tmp_path_factory.mktemp("service-models")
    return train(load_labelled(fixture), [], "weather", models_dir, {"flood": "water"}, ("tfidf",))


@pytest.fixture(scope="session")
def small_classifier(small_artifact: Path) -> TopicClassifier:
    return TopicClassifier.from_artifact(small_artifact)


@pytest.fixture
def app(small_classifier: TopicClassifier):  # type: ignore[no-untyped-def]
    """The HTTP app over the small real classifier and no summarizer, with small limits."""
    from models.analyzer import Analyzer
    from service.app import create_app
    from service.config import ServiceConfig

    config = ServiceConfig(max_body_bytes=64 * 1024, max_chars=5_000, max_batch=4)
    return create_app({"ANALYZER": Analyzer(small_classifier, None), "SERVICE": config})


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def entity_extractor():  # type: ignore[no-untyped-def]
    """spaCy's small English NER (models.entities), loaded once."""
    from models.entities import EntityExtractor

    return EntityExtractor()


@pytest.fixture(scope="session")
def summarizer(encoder: SentenceEncoder, entity_extractor):  # type: ignore[no-untyped-def]
    """The extractive summarizer with the trained brief selector (`make artifacts`) and the
    real NER (and the shared encoder if the selector's design reads it), as the service
    builds it."""
    from models.loading import load_brief_selector
    from models.settings import ModelSettings
    from models.summarizer import Summarizer

    selector = load_brief_selector(ModelSettings.from_env())
    return Summarizer(selector, entity_extractor, encoder if selector.needs_encoder else None)


@pytest.fixture(scope="session")
def full_analyzer(classifier: TopicClassifier, summarizer):  # type: ignore[no-untyped-def]
    """The trained classifier and the real summarizer behind one Analyzer, as a server worker
    runs them (sharing the session's encoder and spaCy model)."""
    from models.analyzer import Analyzer

    return Analyzer(classifier, summarizer)
