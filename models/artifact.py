"""Trained artifacts on disk: a joblib file plus meta.json, verified before anything is unpickled.

A joblib file is a pickle, and unpickling runs code. So an artifact is only loaded from the
configured models directory, only after its sha256 matches the one recorded at training time,
and only when the libraries that will unpickle it are the exact versions that pickled it
(scikit-learn documents no compatibility across versions; a silent drift is a wrong answer).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
TRACKED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "transformers", "torch")
# meta.json keys a topic classifier's artifact must have (the default for verify); other
# artifacts (the brief selector's) name their own.
CLASSIFIER_KEYS = ("labels", "thresholds")


class ArtifactError(RuntimeError):
    """An artifact that must not be loaded; the message names the problem and the fix."""


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries whose pickles or weights the artifact depends on."""
    return {name: metadata.version(name) for name in TRACKED_LIBRARIES}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_artifact(models_dir: Path, name: str) -> Path:
    """The artifact directory for ``name`` inside ``models_dir``.

    ``name`` is either an exact directory (``topics-1a2b3c4d``) or a name prefix, in which case
    the most recently trained ``<name>-*`` wins. Anything resolving outside ``models_dir`` is
    refused, so configuration cannot point the loader at an arbitrary pickle.
    """
    root = models_dir.resolve()
    if "/" in name or "\\" in name or name in {"", ".", ".."}:
        raise ArtifactError(f"artifact name {name!r} must be a plain name inside {root}")
    exact = root / name
    if (exact / META_FILE).is_file():
        candidates = [exact]
    else:
        candidates = [p for p in root.glob(f"{name}-*") if (p / META_FILE).is_file()]
    if not candidates:
        raise ArtifactError(
            f"no artifact named {name!r} in {root}: "
            "train one with `newsbrief train` (or `make train`)"
        )
    chosen = max(candidates, key=lambda p: (read_meta(p).get("created_at", ""), p.name))
    if chosen.resolve().parent != root:
        raise ArtifactError(f"artifact {chosen} resolves outside the models directory {root}")
    return chosen


def read_meta(directory: Path) -> dict[str, Any]:
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ArtifactError(f"{directory / META_FILE} is unreadable: {error}") from None
    if not isinstance(meta, dict):
        raise ArtifactError(f"{directory / META_FILE} is not a JSON object")
    return meta


def verify(directory: Path, required: Sequence[str] = CLASSIFIER_KEYS) -> dict[str, Any]:
    """Check checksum and library versions; return the metadata if the artifact may be loaded.

    ``required`` names the meta.json keys this kind of artifact must have besides the checksum
    and library versions."""
    meta = read_meta(directory)
    for key in ("artifact_sha256", "libraries", *required):
        if key not in meta:
            raise ArtifactError(f"{directory / META_FILE} lacks {key!r}; retrain the artifact")
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ArtifactError(f"{model_path} is missing")
    actual = sha256_file(model_path)
    if actual != meta["artifact_sha256"]:
        raise ArtifactError(
            f"{model_path} checksum mismatch (expected {meta['artifact_sha256'][:12]}..., "
            f"found {actual[:12]}...): the file is corrupted or was replaced; retrain it"
        )
    installed = library_versions()
    drift = [
        f"{lib} {meta['libraries'].get(lib)} (installed {installed[lib]})"
        for lib in TRACKED_LIBRARIES
        if meta["libraries"].get(lib) != installed[lib]
    ]
    if drift:
        raise ArtifactError(
            f"{directory.name} was trained with "
            + ", ".join(drift)
            + "; retrain it with `newsbrief train` under the installed versions"
        )
    return meta


def load_verified(
    directory: Path, required: Sequence[str] = CLASSIFIER_KEYS
) -> tuple[Any, dict[str, Any]]:
    """Unpickle a verified artifact, turning scikit-learn's version warnings into errors."""
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    meta = verify(directory, required)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            model = joblib.load(directory / MODEL_FILE)
        except InconsistentVersionWarning as warning:
            raise ArtifactError(f"{directory.name}: {warning}") from None
    return model, meta


def write(directory: Path, model: Any, meta: dict[str, Any]) -> Path:
    """Save model and metadata; the checksum is computed from the bytes actually written."""
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(model, model_path, compress=3)
    full = {**meta, "artifact_sha256": sha256_file(model_path), "libraries": library_versions()}
    tmp = directory / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(directory / META_FILE)
    return directory
