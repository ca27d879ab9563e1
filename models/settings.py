"""Model configuration from the environment (documented in the README's configuration table)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = REPO_ROOT / "models" / "artifacts"
DEFAULT_CLASSIFIER = "topics"
DEFAULT_BRIEF_MODEL = "brief"


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used."""


def env_int(env: Mapping[str, str], name: str, default: int | None, minimum: int = 1) -> int | None:
    """An integer setting; a malformed value is an error, never silently the default."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below its minimum {minimum}")
    return value


def _env_path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser().resolve() if raw else None


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Where the models live and which ones to use."""

    models_dir: Path = DEFAULT_MODELS_DIR
    classifier: str = DEFAULT_CLASSIFIER
    brief_model: str = DEFAULT_BRIEF_MODEL
    encoder_dir: Path | None = None
    summarizer_backend: str = "extractive"
    abstractive_dir: Path | None = None
    torch_threads: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ModelSettings:
        env = os.environ if env is None else env
        backend = env.get("NEWSBRIEF_SUMMARIZER", "extractive").strip() or "extractive"
        if backend not in {"extractive", "abstractive"}:
            raise ConfigError(
                f"NEWSBRIEF_SUMMARIZER={backend!r}: expected 'extractive' or 'abstractive'"
            )
        abstractive_dir = _env_path(env, "NEWSBRIEF_ABSTRACTIVE_MODEL_DIR")
        if backend == "abstractive" and abstractive_dir is None:
            raise ConfigError(
                "NEWSBRIEF_SUMMARIZER=abstractive needs NEWSBRIEF_ABSTRACTIVE_MODEL_DIR"
            )
        return cls(
            models_dir=_env_path(env, "NEWSBRIEF_MODELS_DIR") or DEFAULT_MODELS_DIR,
            classifier=env.get("NEWSBRIEF_CLASSIFIER", "").strip() or DEFAULT_CLASSIFIER,
            brief_model=env.get("NEWSBRIEF_BRIEF_MODEL", "").strip() or DEFAULT_BRIEF_MODEL,
            encoder_dir=_env_path(env, "NEWSBRIEF_ENCODER_DIR"),
            summarizer_backend=backend,
            abstractive_dir=abstractive_dir,
            torch_threads=env_int(env, "NEWSBRIEF_TORCH_THREADS", None),
        )
