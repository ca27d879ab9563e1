"""`newsbrief serve`: replace this process with gunicorn, started as the Docker image starts it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from service.config import ServerConfig

GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn_conf.py"
WSGI_APP = "service.wsgi:app"


def gunicorn_argv(conf: str | Path = GUNICORN_CONF) -> list[str]:
    """`python -m gunicorn -c service/gunicorn_conf.py service.wsgi:app`, for this interpreter.

    The Docker image runs the same command from /app with the relative config path.
    """
    return [sys.executable, "-m", "gunicorn", "-c", str(conf), WSGI_APP]


def server_env(
    host: str | None, port: int | None, workers: int | None, env: Mapping[str, str]
) -> dict[str, str]:
    """The environment for gunicorn: command-line flags override NEWSBRIEF_* variables.

    Validated here so a bad value is reported by the CLI (exit 2), not by a failing worker.
    """
    merged = dict(env)
    for name, value in (
        ("NEWSBRIEF_HOST", host),
        ("NEWSBRIEF_PORT", port),
        ("NEWSBRIEF_WORKERS", workers),
    ):
        if value is not None:
            merged[name] = str(value)
    ServerConfig.from_env(merged)
    return merged


def run_serve(host: str | None, port: int | None, workers: int | None) -> int:
    """Exec gunicorn so that signals (Ctrl-C, SIGTERM) reach its master directly."""
    env = server_env(host, port, workers, os.environ)
    argv = gunicorn_argv()
    os.execve(argv[0], argv, env)
