"""Build the Analyzer from settings: the one place that decides which models are loaded."""

from __future__ import annotations

from collections.abc import Sequence

from models.analyzer import Analyzer, NotBuiltError, Part
from models.settings import ModelSettings


def load_analyzer(settings: ModelSettings, parts: Sequence[Part]) -> Analyzer:
    """Load what ``parts`` need; a missing model is a NotBuiltError naming the fix."""
    del settings
    if "topics" in parts:
        raise NotBuiltError("the topic classifier is not built yet")
    raise NotBuiltError("the summarizer is not built yet")
