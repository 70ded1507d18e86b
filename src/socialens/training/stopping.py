"""Stop conditions for a training run: a ``STOP`` file, a wall-clock deadline.

The trainer asks its ``stop`` hook after every optimizer step; a non-empty answer (the reason)
ends the run there: it validates and checkpoints, then keeps its best weights. A run resumed
while the condition still holds takes no further step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

STOP = "STOP"

#: ``stop() -> reason``: an empty string (or None) while the run should go on.
StopHook = Callable[[], str | None]


def stop_file_or_deadline(folder: Path | None, deadline: float | None = None) -> StopHook:
    """A hook that answers ``"STOP file"`` once ``folder/STOP`` exists and ``"stop_at"`` once the
    clock passes ``deadline`` (Unix time); either may be None."""

    def stop() -> str:
        if folder is not None and (folder / STOP).exists():
            return "STOP file"
        if deadline is not None and time.time() >= deadline:
            return "stop_at"
        return ""

    return stop
