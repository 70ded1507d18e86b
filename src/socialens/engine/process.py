"""Worker processes on this machine, fed through a bounded window so memory stays flat."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _init_worker() -> None:
    # One math thread per worker process: two busy processes on two cores, not twenty.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


class ProcessExecutor:
    """``workers`` processes started by a fork server (a clean parent: no DuckDB threads copied).

    At most ``workers * 2`` items are in flight, so a lazy input of any length is never
    pulled into memory ahead of the results.
    """

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = get_context("forkserver")
            context.set_forkserver_preload(["socialens.ingest.formats", "socialens.ingest.edge"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker)
        return self._pool

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pool = self._get_pool()
        window: deque[Future[Any]] = deque()
        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception:
                # The input failed midway: deliver the work already submitted, then the error.
                # Only the input's errors: a worker's error is raised where its result belongs,
                # as LocalExecutor does, never after results that came later.
                while window:
                    yield window.popleft().result()
                raise
            window.append(pool.submit(fn, item))
            if len(window) >= self.workers * 2:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"workers": self.workers, "_pool": None}
