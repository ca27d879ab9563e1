"""`newsbrief serve`: start gunicorn with the repository's configuration."""

from __future__ import annotations

import os
import sys


def run_serve(host: str | None, port: int | None, workers: int | None) -> int:
    """Replace this process with gunicorn so signals reach it directly."""
    host = host or os.environ.get("NEWSBRIEF_HOST", "127.0.0.1")
    bind = f"{host}:{port or os.environ.get('NEWSBRIEF_PORT', '8000')}"
    argv = [sys.executable, "-m", "gunicorn", "--bind", bind, "service.wsgi:app"]
    if workers:
        argv += ["--workers", str(workers)]
    os.execv(sys.executable, argv)
    return 0
