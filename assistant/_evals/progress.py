"""A tiny progress bar on stderr, drawn only when stderr is a terminal (logs stay clean)."""

from __future__ import annotations

import sys
import time
from typing import Optional, TextIO


class Progress:
    """`[#######.......]  42/200  single  3.1s`, redrawn in place at most ten times a second.

    Args:
        total: how many steps the run has.
        label: what is running (shown after the counts).
        stream: where to draw; default sys.stderr.
        enabled: draw or not; default: only when `stream` is a terminal.
    """

    WIDTH = 28

    def __init__(self, total: int, label: str, *, stream: Optional[TextIO] = None, enabled: Optional[bool] = None) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0

    def advance(self, steps: int = 1, note: str = "") -> None:
        """Count `steps` more as done; `note` (e.g. a case id) is shown after the label."""
        self.done = min(self.total, self.done + steps)
        now = time.perf_counter()
        if self.enabled and (now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = now
            self._draw(note)

    def _draw(self, note: str) -> None:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        width = len(str(self.total))
        line = f"[{bar}] {self.done:>{width}}/{self.total}  {self.label}  {time.perf_counter() - self.started:5.1f}s  {note}"
        self.stream.write("\r" + line[:110].ljust(110))
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar (the summary that follows says what happened)."""
        if self.enabled:
            self.stream.write("\r" + " " * 110 + "\r")
            self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
