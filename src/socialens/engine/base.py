"""The executor interface."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` over work items and yields results in input order, with bounded memory."""

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def default_executor(workers: int | None = None) -> Executor:
    """``workers`` processes (default: one per core); 0 or 1 core means in-process."""
    from socialens.engine.local import LocalExecutor
    from socialens.engine.process import ProcessExecutor

    count = (os.cpu_count() or 1) if workers is None else workers
    return LocalExecutor() if count <= 1 else ProcessExecutor(count)
