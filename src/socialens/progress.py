"""How long-running library code reports progress without knowing who shows it.

The CLI passes a rich progress bar; library callers pass nothing and get :class:`NoProgress`.
"""

from __future__ import annotations

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
