"""Helpers for the reliability tests and `make soak`, on top of bench.server and bench.loadgen.

Worker memory sampled over a run and its trend, and which gunicorn worker holds a given
loopback connection, both read from /proc (Linux): the service itself is not instrumented for
either, so the tests observe it from outside, as an operator would.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.server import rss_mib

SOAK_ENV = "NEWSBRIEF_SOAK_SECONDS"


def soak_seconds(default: float) -> float:
    """The load duration: NEWSBRIEF_SOAK_SECONDS when set (`make soak`), else ``default``."""
    raw = os.environ.get(SOAK_ENV, "").strip()
    if not raw:
        return default
    seconds = float(raw)
    if seconds <= 0:
        raise ValueError(f"{SOAK_ENV}={raw!r} must be a positive number of seconds")
    return seconds


@dataclass
class RssTrace:
    """One process's resident memory over time (seconds since sampling began, MiB)."""

    pid: int
    times: list[float] = field(default_factory=list)
    mib: list[float] = field(default_factory=list)

    def slope_mib_per_min(self, from_fraction: float = 0.5) -> float:
        """Least-squares slope over the samples after ``from_fraction`` of the run.

        The first half is left out on purpose: allocator arenas, tokenizer and spaCy caches
        grow while a fresh worker meets its first requests, and that is not a leak.
        """
        times = np.array(self.times)
        if len(times) < 3:
            raise ValueError(f"only {len(times)} RSS samples for pid {self.pid}")
        cut = times[0] + from_fraction * (times[-1] - times[0])
        keep = times >= cut
        if keep.sum() < 3:
            raise ValueError(f"fewer than 3 RSS samples after {from_fraction:.0%} of the run")
        slope_per_s = np.polyfit(times[keep], np.array(self.mib)[keep], 1)[0]
        return float(slope_per_s * 60)


class RssSampler:
    """Samples the RSS of ``pids`` every ``interval`` seconds in a thread, at most ``limit``
    times; a process that has exited simply stops getting samples."""

    def __init__(self, pids: Iterable[int], interval: float, limit: int = 20_000) -> None:
        self.traces = {pid: RssTrace(pid) for pid in pids}
        self.interval = interval
        self.limit = limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        for _ in range(self.limit):
            now = time.monotonic() - started
            for trace in self.traces.values():
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    trace.mib.append(rss_mib(trace.pid))
                    trace.times.append(now)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _tcp_port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)


def _server_socket_inode(server_port: int, client_port: int) -> int:
    """The inode of the server's end of the loopback connection from ``client_port`` (0 while
    it waits in the listen queue, not yet accepted by any process)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], int(fields[9])
                if _tcp_port(local) == server_port and _tcp_port(remote) == client_port:
                    return inode
    return 0


def connection_owner(
    server_port: int, client_port: int, pids: Iterable[int], timeout: float = 2.0
) -> int | None:
    """The pid among ``pids`` that has accepted the connection from ``client_port``, waiting up
    to ``timeout`` seconds for some process to accept it."""
    deadline = time.monotonic() + timeout
    while True:
        inode = _server_socket_inode(server_port, client_port)
        if inode:
            target = f"socket:[{inode}]"
            for pid in pids:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    for fd in Path(f"/proc/{pid}/fd").iterdir():
                        with contextlib.suppress(OSError):
                            if os.readlink(fd) == target:
                                return pid
        if time.monotonic() > deadline:
            return None
        time.sleep(0.01)


@contextlib.contextmanager
def connection(
    port: int, workers: Iterable[int], timeout: float = 60.0
) -> Iterator[tuple[http.client.HTTPConnection, int | None]]:
    """A keep-alive connection to the server on loopback ``port`` and the worker that accepted
    it (None if none of ``workers`` did within two seconds); always closed afterwards."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.connect()
        assert conn.sock is not None
        owner = connection_owner(port, conn.sock.getsockname()[1], list(workers))
        yield conn, owner
    finally:
        conn.close()


def answers_from(
    port: int, pid: int, workers: Iterable[int], path: str = "/readyz", attempts: int = 50
) -> bool:
    """Whether worker ``pid`` answers GET ``path`` with 200 (by default: alive, models loaded).

    Any worker may accept a new connection, so connections are opened until one is accepted
    by ``pid``, at most ``attempts`` of them.
    """
    workers = list(workers)
    for _ in range(attempts):
        with connection(port, workers, timeout=30) as (conn, owner):
            if owner != pid:
                continue
            conn.request("GET", path)
            return conn.getresponse().status == 200
    return False
