"""How long-running library code reports progress without knowing who shows it.

The CLI passes a rich progress bar in a terminal and :class:`LogProgress` elsewhere (a line
every few seconds, so runs under cron or CI are not silent); library callers pass nothing and
get :class:`NoProgress`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    def start(self, description: str, total: int | None = None) -> None:
        """Begin a stage (a new bar): ``total`` units of work, or unknown."""

    def advance(self, n: int = 1) -> None:
        """``n`` more units of the current stage are done."""


class NoProgress:
    """Reports nothing."""

    def start(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


class LogProgress:
    """Progress as a log line every ``every`` seconds (and at each stage's end): done, total,
    rate and time left. For runs without a terminal (cron, CI), which a bar would leave silent."""

    def __init__(self, write: Callable[[str], None] | None = None, every: float = 5.0) -> None:
        self._write = write or _stderr_line
        self._every = every
        self._stage: str | None = None
        self._total: int | None = None
        self._done = 0
        self._started = self._last = 0.0

    def start(self, description: str, total: int | None = None) -> None:
        self._finish_stage()
        self._stage, self._total, self._done = description, total, 0
        self._started = self._last = time.monotonic()
        self._write(f"{description}: started" + (f" ({total:,} to do)" if total is not None else ""))

    def advance(self, n: int = 1) -> None:
        self._done += n
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._write(self._line(now))

    def close(self) -> None:
        self._finish_stage()

    def _finish_stage(self) -> None:
        if self._stage is not None and self._done:
            self._write(self._line(time.monotonic(), final=True))
        self._stage = None

    def _line(self, now: float, final: bool = False) -> str:
        elapsed = max(now - self._started, 1e-9)
        rate = self._done / elapsed
        done = f"{self._done:,}" + (f"/{self._total:,} ({self._done / self._total:.0%})" if self._total else "")
        line = f"{self._stage}: {done}, {rate:,.1f}/s, {elapsed:,.0f} s"
        if self._total and not final and rate > 0:
            line += f", about {max(self._total - self._done, 0) / rate:,.0f} s left"
        return line + (" (stage done)" if final else "")


def _stderr_line(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    sys.stderr.write(f"{stamp} {message}\n")
    sys.stderr.flush()
