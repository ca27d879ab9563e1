"""A small closed-loop HTTP/1.1 load generator on asyncio (bounded in time and count).

Closed loop: each of ``concurrency`` clients sends its next request as soon as the previous
answer arrives, which is how a pipeline calling the service behaves. Each request opens its
own connection (``Connection: close``), as many independent callers would: gunicorn hands a
kept-alive connection to one worker for good, so a handful of long-lived connections would
measure one worker, not the service. Only loopback targets are accepted; the run stops by
itself after ``seconds`` or ``max_requests``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    def summary(self) -> dict[str, float | int | dict[int, int]]:
        lat = np.array(self.latencies) * 1000 if self.latencies else np.array([np.nan])
        return {
            "concurrency": self.concurrency,
            "requests": len(self.latencies),
            "rps": round(len(self.latencies) / self.seconds, 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p95_ms": round(float(np.percentile(lat, 95)), 1),
            "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "errors": self.errors,
            "non_2xx": sum(n for s, n in self.statuses.items() if not 200 <= s < 300),
            "statuses": dict(self.statuses),
        }


def _check_loopback(host: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"refusing to send load to non-loopback address {host}")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "connection" and value.strip().lower() == "close":
            close = True
    await reader.readexactly(length)
    return status, close


async def _client(
    host: str,
    port: int,
    requests: Sequence[bytes],
    deadline: float,
    budget: list[int],
    result: LoadResult,
) -> None:
    reader = writer = None
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        request = requests[budget[0] % len(requests)]
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            writer.write(request)
            await writer.drain()
            status, close = await asyncio.wait_for(_read_response(reader), timeout=30)
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
            continue
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_load(
    host: str,
    port: int,
    path: str,
    body: bytes | Sequence[bytes],
    concurrency: int,
    seconds: float,
    max_requests: int = 100_000,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """POST ``body`` (or each of several bodies in turn) to ``path`` from ``concurrency``
    connections for ``seconds``."""
    _check_loopback(host)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    bodies = [body] if isinstance(body, bytes) else list(body)
    requests = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(one)}\r\nConnection: close\r\n{extra}\r\n"
        ).encode()
        + one
        for one in bodies
    ]
    result = LoadResult(concurrency, seconds)
    budget = [max_requests]

    async def main() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(host, port, requests, deadline, budget, result) for _ in range(concurrency))
        )

    started = time.monotonic()
    asyncio.run(main())
    result.seconds = time.monotonic() - started
    return result
