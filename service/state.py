"""The models one worker serves with, loaded once in the app factory, and what is missing.

A worker must start even when a model is not built: it then answers /healthz, reports the
reason on /readyz, serves whichever half is available and answers 503 naming the missing part
for the rest, instead of crash-looping without a word. An artifact that is built but fails
verification is not "missing" but broken: its ArtifactError stops the start
(service/artifact_check.py says why).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.analyzer import AnalysisOptions, Analyzer, NotBuiltError, Part
from models.settings import ModelSettings

log = logging.getLogger("newsbrief.service")

# The component behind each part, as clients and operators know it.
COMPONENTS: dict[Part, str] = {"topics": "classifier", "brief": "summarizer"}
# Why a part could not be loaded: not built, or a path that is wrong. An ArtifactError is not
# among them: it propagates and stops the start.
LOAD_ERRORS = (NotBuiltError, OSError)


@dataclass
class ModelState:
    """The analyzer (possibly with a half missing) and the reason for each missing component.

    ``lock`` serialises model calls within a worker: the encoder and spaCy are not safe to call
    from several threads at once, and the worker's other threads stay free for health checks.
    Parallelism comes from gunicorn workers, each with its own copy of the models.
    """

    analyzer: Analyzer
    missing: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, analyzer: Analyzer) -> ModelState:
        """Wrap a ready-made analyzer (tests); absent halves are reported as missing."""
        missing = {}
        if analyzer.classifier is None:
            missing["classifier"] = "no topic classifier was provided"
        if analyzer.summarizer is None:
            missing["summarizer"] = "no summarizer was provided"
        return cls(analyzer, missing)

    @property
    def ready(self) -> bool:
        return not self.missing

    def model_info(self) -> dict[str, str]:
        """Versions of the loaded components, as reported with every result."""
        info = {}
        if self.analyzer.classifier is not None:
            info["classifier"] = self.analyzer.classifier.version
        if self.analyzer.summarizer is not None:
            info["summarizer"] = self.analyzer.summarizer.backend
        return info

    def unavailable(self, parts: Sequence[Part], options: AnalysisOptions) -> dict[str, str]:
        """The missing components a request for ``parts`` with ``options`` would need."""
        needed = {COMPONENTS[p] for p in parts}
        if options.focus:  # focusing a brief on topics needs the classifier's evidence
            needed.add("classifier")
        return {name: reason for name, reason in self.missing.items() if name in needed}


def load_state(settings: ModelSettings) -> ModelState:
    """Load the models and log how long it took and what is missing."""
    started = time.perf_counter()
    state = _load(settings)
    for name, reason in state.missing.items():
        log.warning("%s not loaded: %s", name, reason, extra={"component": name})
    log.info(
        "models loaded",
        extra={
            "seconds": round(time.perf_counter() - started, 2),
            "ready": state.ready,
            "model": state.model_info(),
        },
    )
    return state


def _load(settings: ModelSettings) -> ModelState:
    """Both halves; when that fails, whichever half loads alone."""
    from models.loading import load_analyzer

    try:
        return ModelState(load_analyzer(settings, ("topics", "brief")))
    except LOAD_ERRORS as error:
        first_error = error
    try:
        classifier = load_analyzer(settings, ("topics",)).classifier
    except LOAD_ERRORS as error:
        missing = {"classifier": str(error)}
        try:
            summarizer = load_analyzer(settings, ("brief",)).summarizer
        except LOAD_ERRORS as brief_error:
            missing["summarizer"] = str(brief_error)
            summarizer = None
        return ModelState(Analyzer(None, summarizer), missing)
    # the classifier loads alone, so the summarizer is what failed
    return ModelState(Analyzer(classifier, None), {"summarizer": str(first_error)})
