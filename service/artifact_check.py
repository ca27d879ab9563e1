"""Refuse to start on an artifact (the classifier's, the brief selector's) that exists but
must not be loaded.

A missing artifact is a state the service can report: /readyz says 503 and how to train one,
and the summarizer half still works. An artifact that is there but fails verification (its
checksum, the library versions that pickled it, an unreadable meta.json) is a different matter:
it was built for this server and something broke it, so serving on would mean a half-working
server that only /readyz admits to, restarted and probed by orchestration forever. The start is
stopped instead, with the reason. Only files are read (meta.json and the model's sha256);
nothing is unpickled, so gunicorn's master can run this before it forks any worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.artifact import CLASSIFIER_KEYS, META_FILE, ArtifactError, resolve_artifact, verify
from models.brief_selector import BRIEF_KEYS
from models.settings import ModelSettings


def check_artifacts(settings: ModelSettings) -> None:
    """Both artifacts the service may load (the brief selector's only for extractive briefs).

    Raises ArtifactError, naming the problem, when one is present but fails verification.
    """
    check_classifier_artifact(settings)
    if settings.summarizer_backend == "extractive":
        check_artifact(settings.models_dir, settings.brief_model, BRIEF_KEYS)


def check_classifier_artifact(settings: ModelSettings) -> Path | None:
    """The verified classifier artifact directory, or None when none is built."""
    return check_artifact(settings.models_dir, settings.classifier, CLASSIFIER_KEYS)


def check_artifact(models_dir: Path, name: str, required: Sequence[str]) -> Path | None:
    """The verified artifact directory, or None when none is built.

    Raises ArtifactError, naming the problem, when an artifact is present but fails
    verification.
    """
    try:
        directory = resolve_artifact(models_dir, name)
    except ArtifactError:
        if not _present(models_dir, name):
            return None  # not built: the service starts and reports it
        raise  # present, but its meta.json cannot be read
    verify(directory, required)
    return directory


def _present(models_dir: Path, name: str) -> bool:
    """Whether a directory resolve_artifact considers (one holding a meta.json) exists."""
    root = models_dir.resolve()
    if not root.is_dir() or "/" in name or "\\" in name or name in {"", ".", ".."}:
        return False
    candidates = [root / name, *root.glob(f"{name}-*")]
    return any((candidate / META_FILE).is_file() for candidate in candidates)
