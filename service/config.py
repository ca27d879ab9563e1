"""HTTP service configuration from the environment (every variable is in the README's table).

Two groups: what the Flask app enforces per request (`ServiceConfig`) and how gunicorn runs
the processes (`ServerConfig`). Both fail loudly on a malformed value: a typo in a limit must
stop the start, not silently fall back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from models.settings import ConfigError, env_int

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_CHARS = 50_000
DEFAULT_MAX_BATCH = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """Per-request limits and access control."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_chars: int = DEFAULT_MAX_CHARS
    max_batch: int = DEFAULT_MAX_BATCH
    api_keys: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceConfig:
        env = os.environ if env is None else env
        keys = tuple(k.strip() for k in env.get("NEWSBRIEF_API_KEYS", "").split(",") if k.strip())
        return cls(
            max_body_bytes=_int(env, "NEWSBRIEF_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            max_chars=_int(env, "NEWSBRIEF_MAX_CHARS", DEFAULT_MAX_CHARS),
            max_batch=_int(env, "NEWSBRIEF_MAX_BATCH", DEFAULT_MAX_BATCH),
            api_keys=keys,
        )


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per available core, at most four: each worker holds its own model copy."""
    return max(1, min(4, available_cores()))


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Process layout for gunicorn (read by service/gunicorn_conf.py)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 2
    timeout: int = 120
    max_requests: int = 2000
    max_requests_jitter: int = 200
    log_level: str = "INFO"

    @property
    def bind(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerConfig:
        env = os.environ if env is None else env
        port = _int(env, "NEWSBRIEF_PORT", 8000)
        if port > 65535:
            raise ConfigError(f"NEWSBRIEF_PORT={port} is not a TCP port")
        level = env.get("NEWSBRIEF_LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in LOG_LEVELS:
            raise ConfigError(f"NEWSBRIEF_LOG_LEVEL={level!r}: expected one of {LOG_LEVELS}")
        return cls(
            host=env.get("NEWSBRIEF_HOST", "").strip() or "127.0.0.1",
            port=port,
            workers=_int(env, "NEWSBRIEF_WORKERS", default_workers()),
            threads=_int(env, "NEWSBRIEF_THREADS", 2),
            timeout=_int(env, "NEWSBRIEF_TIMEOUT", 120),
            max_requests=_int(env, "NEWSBRIEF_MAX_REQUESTS", 2000, minimum=0),
            max_requests_jitter=_int(env, "NEWSBRIEF_MAX_REQUESTS_JITTER", 200, minimum=0),
            log_level=level,
        )


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    value = env_int(env, name, default, minimum)
    assert value is not None  # a non-None default never yields None
    return value
