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


ENGINE_NAMES = ("local", "process", "dask")


def from_spec(spec: str | None, workers: int | None = None) -> Executor:
    """The executor an ``--engine`` value names: ``local`` (default), ``process``, ``dask[://HOST:PORT]``.

    >>> type(from_spec("local")).__name__
    'LocalExecutor'
    """
    from socialens.errors import ConfigError

    name, _, address = (spec or "local").partition("://")
    if name == "local" and not address:
        from socialens.engine.local import LocalExecutor

        return LocalExecutor()
    if name == "process" and not address:
        from socialens.engine.process import ProcessExecutor

        return ProcessExecutor(workers or os.cpu_count() or 1)
    if name == "dask":
        from socialens.engine.dask import DaskExecutor  # type: ignore[import-not-found,unused-ignore]

        return DaskExecutor(address or None, workers=workers)  # type: ignore[no-any-return,unused-ignore]
    raise ConfigError(f"unknown engine {spec!r}; use one of: local, process, dask, dask://HOST:PORT")
