"""Shared fixtures. Real models load once per session; tests that need them are `slow`."""

from __future__ import annotations

import os

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
