"""Image build step: keep the bytecode of the modules the service imports, delete the rest.

pip compiles every module it installs, and most of that bytecode is for code the service never
imports (hundreds of transformers model families, most of torch and scipy). This starts the
image's own command (gunicorn with the real config), with a sitecustomize that makes the master
and every worker record the modules they loaded when they exit, sends it the requests a
deployment gets (readiness, analysis, batches, errors, metrics, docs), stops it with SIGTERM,
and then keeps the .pyc of exactly those modules (compiling our own, which the build did not)
and deletes every other .pyc under the given trees. A module imported later anyway still
works: Python compiles it in memory.

    python scripts/keep_used_bytecode.py /opt/venv /app
"""

from __future__ import annotations

import importlib.util
import json
import os
import py_compile
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

KEY = "build-key"
START_TIMEOUT = 300.0
ARTICLE = (
    "Turkey and Russia held their first joint patrol in northern Syria on Friday. "
    "The patrol ran along the M4 highway inside the agreed security corridor. "
    "Ankara said further patrols would follow next week."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(base: str, path: str, body: Any = None, key: str | None = KEY) -> int:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def exercise(base: str, server: subprocess.Popen[bytes]) -> None:
    """The requests of a deployment: every endpoint, single and batch, success and errors."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if call(base, "/readyz") == 200:
                break
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the service exited {server.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise SystemExit(f"the service was not ready within {START_TIMEOUT:.0f} s")
        time.sleep(0.5)
    succeeding = [
        ("/healthz", None),
        ("/metrics", None),
        ("/openapi.json", None),
        ("/docs", None),
        ("/v1/analyze", {"text": ARTICLE}),
        ("/v1/analyze", {"articles": [{"id": "a", "text": ARTICLE}, {"id": "b", "text": " "}]}),
        ("/v1/classify", {"text": ARTICLE}),
    ]
    for path, body in succeeding:
        if (status := call(base, path, body)) != 200:
            raise SystemExit(f"{path}: expected 200, got {status}")
    refused = [  # the error paths: no key, an empty article, an unknown field, no such route
        ("/v1/analyze", {"text": ARTICLE}, None),
        ("/v1/analyze", {"text": ""}, KEY),
        ("/v1/analyze", {"txt": ARTICLE}, KEY),
        ("/nowhere", None, KEY),
    ]
    for path, body, key in refused:
        if not 400 <= (status := call(base, path, body, key)) < 500:
            raise SystemExit(f"{path}: expected a 4xx refusal, got {status}")


# Put on PYTHONPATH for the server: every process (master and forked workers) writes the files
# of the modules it has loaded when it exits. sys.modules, not -X importtime: some packages load
# modules without the import statement (spaCy's language classes), which importtime misses.
RECORDER = """\
import atexit, os, sys

def _record_modules():
    files = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    path = os.path.join(os.environ["MODULE_RECORD_DIR"], f"{os.getpid()}.txt")
    with open(path, "w") as out:
        out.write("\\n".join(sorted(f for f in files if isinstance(f, str))))

atexit.register(_record_modules)
"""


def used_sources() -> set[Path]:
    """Serve once under the image's start command; the .py files of every module loaded."""
    port = free_port()
    with tempfile.TemporaryDirectory() as probe, tempfile.TemporaryDirectory() as record:
        Path(probe, "sitecustomize.py").write_text(RECORDER)
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [probe, os.environ.get("PYTHONPATH")])),
            MODULE_RECORD_DIR=record,
            NEWSBRIEF_HOST="127.0.0.1",
            NEWSBRIEF_PORT=str(port),
            NEWSBRIEF_WORKERS="2",
            NEWSBRIEF_API_KEYS=KEY,
            NEWSBRIEF_LOG_LEVEL="WARNING",
        )
        argv = [
            sys.executable, "-m", "gunicorn", "-c", "service/gunicorn_conf.py", "service.wsgi:app"
        ]  # fmt: skip
        server = subprocess.Popen(argv, env=env)
        try:
            exercise(f"http://127.0.0.1:{port}", server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        if server.returncode != 0:
            raise SystemExit(f"gunicorn exited {server.returncode}")
        records = list(Path(record).glob("*.txt"))
        if len(records) < 3:  # the master and both workers
            raise SystemExit(f"only {len(records)} processes recorded their modules")
        return {
            Path(line).resolve()
            for path in records
            for line in path.read_text().splitlines()
            if line.endswith(".py") and os.path.isabs(line)  # torch.ops's is "_ops.py"
        }


def prune(trees: list[Path], keep: set[Path]) -> None:
    kept = deleted = kept_bytes = deleted_bytes = 0
    for tree in trees:
        for cached in tree.rglob("__pycache__/*.pyc"):
            source = Path(importlib.util.source_from_cache(str(cached))).resolve()
            size = cached.stat().st_size
            if source in keep and cached.name.endswith(f".{sys.implementation.cache_tag}.pyc"):
                keep.discard(source)
                kept, kept_bytes = kept + 1, kept_bytes + size
            else:
                cached.unlink()
                deleted, deleted_bytes = deleted + 1, deleted_bytes + size
        for directory in tree.rglob("__pycache__"):
            if not any(directory.iterdir()):
                directory.rmdir()
    # Used modules without bytecode yet (our own: the build does not write any) get it now.
    for source in keep:
        if source.is_file() and any(source.is_relative_to(tree.resolve()) for tree in trees):
            py_compile.compile(str(source), doraise=True)
            kept += 1
    print(
        f"bytecode: kept {kept} files ({kept_bytes / 1e6:.0f} MB before our own), "
        f"deleted {deleted} ({deleted_bytes / 1e6:.0f} MB) of modules the service never imports"
    )


def main() -> None:
    trees = [Path(arg) for arg in sys.argv[1:]]
    if not trees:
        raise SystemExit("usage: keep_used_bytecode.py TREE...")
    sources = used_sources()
    print(f"the service loaded {len(sources)} Python modules")
    prune(trees, sources)


if __name__ == "__main__":
    main()
