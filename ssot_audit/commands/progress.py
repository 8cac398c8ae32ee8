"""A progress bar on standard error for long scans: only on a terminal, only after a second, never in CI logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_WIDTH = 30


class ProgressBar:
    """A ``progress(done, total)`` callback that draws ``[####....] 120/800 files`` on a terminal.

    Nothing is drawn when ``stream`` is not a terminal (CI logs stay clean), when ``enabled`` is false
    (``--quiet``), or until ``delay`` seconds have passed (short scans stay silent). ``close()`` erases it.
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _is_terminal(self.stream)
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        """Record progress; redraw at most ten times a second."""
        now = self.clock()
        if not self.enabled or now - self.started < self.delay or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        filled = _WIDTH * done // total if total else _WIDTH
        tail = ", running rules..." if done >= total else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{total} files{tail}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar, if one was drawn."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
