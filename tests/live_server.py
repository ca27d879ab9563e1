"""Real gunicorn on loopback for end-to-end tests, started with the Docker image's command.

Every wait is bounded and the server is always stopped, even when the test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.serve import gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120.0
STOP_TIMEOUT = 40.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line]

    def stop(self) -> int:
        """SIGTERM to the master (as `docker stop` does), then SIGKILL the group if needed."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT)
        return self.process.returncode


@contextlib.contextmanager
def gunicorn(settings: Mapping[str, str], workers: int, log_path: Path) -> Iterator[Server]:
    """A server with ``settings`` (NEWSBRIEF_* variables) once all ``workers`` have loaded."""
    port = free_port()
    env = {
        **os.environ,
        "NEWSBRIEF_HOST": "127.0.0.1",
        "NEWSBRIEF_PORT": str(port),
        "NEWSBRIEF_WORKERS": str(workers),
        **settings,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gunicorn_argv("service/gunicorn_conf.py"),  # the image's CMD, from the repo root
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    running = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited {process.returncode}: {log_path.read_text()[-3000:]}")
            booted = [line for line in running.log_lines() if line["message"] == "models loaded"]
            if len(booted) == workers:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"workers not loaded after {START_TIMEOUT} s")
            time.sleep(0.2)
        yield running
    finally:
        running.stop()
