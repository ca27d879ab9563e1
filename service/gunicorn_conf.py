"""gunicorn settings: `python -m gunicorn -c service/gunicorn_conf.py service.wsgi:app`.

The one start command for `newsbrief serve`, `make run`, the Docker image and the end-to-end
test. Every number comes from NEWSBRIEF_* variables (service/config.py, README table).

- gthread workers: analysis is CPU-bound and serialised per worker (service/state.py), so
  parallelism comes from processes; the extra threads keep /healthz, /readyz and /metrics
  answering while a long analysis runs.
- No preload: each worker imports service.wsgi after the fork and loads its own models once;
  forking a process that has started torch's thread pools is not safe.
- max_requests with jitter recycles workers one at a time, bounding slow memory growth without
  restarting them all at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Any

from models.artifact import ArtifactError
from models.settings import ConfigError, ModelSettings, env_int
from service.artifact_check import check_artifacts
from service.config import ServerConfig, available_cores
from service.logs import logging_config

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The exit status of a start refused for a broken artifact or bad model settings (as the CLI's
# "could not start").
REFUSED_EXIT_STATUS = 2

_server = ServerConfig.from_env()
# Torch intra-op threads per worker: the cores shared out between workers, unless set.
_torch_threads = env_int(os.environ, "NEWSBRIEF_TORCH_THREADS", None) or max(
    1, available_cores() // _server.workers
)

bind = [_server.bind]
workers = _server.workers
worker_class = "gthread"
threads = _server.threads
timeout = _server.timeout
graceful_timeout = 30
keepalive = 5
max_requests = _server.max_requests
max_requests_jitter = _server.max_requests_jitter
preload_app = False
# Heartbeat files on a RAM disk: a disk-backed /tmp can stall the heartbeat and get healthy
# workers killed (and /tmp may be read-only in a container).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "newsbrief"
# gunicorn >= 25 opens a control socket at a per-user default path; two instances (or a
# container user without a home) would collide there, and nothing here uses gunicornc.
control_socket_disable = True
loglevel = _server.log_level.lower()
logconfig_dict = logging_config(_server.log_level)

# The metrics directory this run created (removed on exit); None when the operator chose one.
_created_metrics_dir: list[str] = []


def on_starting(server: Any) -> None:
    """Refuse a broken artifact, then give this run an empty metrics directory.

    The artifact is checked here, in the master, before any worker exists: otherwise every
    worker would fail on it in turn and gunicorn would report only "Worker failed to boot".
    A missing artifact is not refused (the service starts and reports it on /readyz).
    """
    try:
        check_artifacts(ModelSettings.from_env())
    except (ArtifactError, ConfigError) as error:
        server.log.error("refusing to start: %s", error)
        raise SystemExit(REFUSED_EXIT_STATUS) from None
    _fresh_metrics_dir(server)


def _fresh_metrics_dir(server: Any) -> None:
    """Give this run an empty metrics directory before any worker exists.

    Stale files from an earlier run would be merged into /metrics as if they were live, so a
    directory set by the operator is emptied of its *.db files, and without one a private
    temporary directory is created. Workers inherit the variable when they are forked.
    """
    directory = os.environ.get(MULTIPROC_ENV, "").strip()
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()
    else:
        directory = tempfile.mkdtemp(prefix="newsbrief-metrics-")
        _created_metrics_dir.append(directory)
        os.environ[MULTIPROC_ENV] = directory
    server.log.info("metrics directory %s", directory)


def post_fork(server: Any, worker: Any) -> None:
    """Pin torch's intra-op threads so workers do not oversubscribe the cores between them.

    Until gunicorn installs the worker's own handlers, a fresh worker carries the master's,
    which only queue a signal: a SIGTERM during this import would be lost and the master would
    wait its whole graceful timeout. A worker that has served nothing may simply die.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["NEWSBRIEF_TORCH_THREADS"] = str(_torch_threads)
    import torch

    torch.set_num_threads(_torch_threads)
    server.log.info("worker %s uses %d torch threads", worker.pid, _torch_threads)


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges so /metrics stops counting it."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    for directory in _created_metrics_dir:
        shutil.rmtree(directory, ignore_errors=True)
