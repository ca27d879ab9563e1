"""A dependency-free progress bar on stderr for runs long enough to need one."""

from __future__ import annotations

import time
from typing import TextIO

# Runs shorter than this finish before a bar would help.
THRESHOLD = 200


class Progress:
    """Prints `done/total` with a bar; on a terminal in place, elsewhere every 10%."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > THRESHOLD
        self.done = 0
        self.started = time.monotonic()
        self._last_decile = -1

    def advance(self, n: int) -> None:
        if not self.enabled:
            return
        self.done += n
        fraction = self.done / self.total
        if self.stream.isatty():
            self._draw(fraction, end="\r")
        elif int(fraction * 10) > self._last_decile:
            self._last_decile = int(fraction * 10)
            self._draw(fraction, end="\n")

    def _draw(self, fraction: float, end: str) -> None:
        bar = "#" * int(fraction * 30)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"[{bar:<30}] {self.done}/{self.total} {elapsed:.0f}s{end}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream.isatty():
            self.stream.write("\n")
