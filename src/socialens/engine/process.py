"""Worker processes on this machine, fed through a bounded window so memory stays flat."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

from socialens.engine.lifecycle import refers_to_main, watch_parent, workers_skip_main
from socialens.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")


def _init_worker(parent_pid: int) -> None:
    # One math thread per worker process: two busy processes on two cores, not twenty.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    # Ctrl-C reaches the whole process group: the parent decides what happens, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent_pid)


class ProcessExecutor:
    """``workers`` processes started by a fork server (a clean parent: no DuckDB threads copied).

    At most ``workers * 2`` items are in flight, so a lazy input of any length is never
    pulled into memory ahead of the results.
    """

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._skips_main = False  # whether the pool's workers were started without the script

    def _get_pool(self, needs_main: bool) -> ProcessPoolExecutor:
        if self._pool is not None and needs_main and self._skips_main:
            self.close()  # workers without the script cannot unpickle the script's functions
        if self._pool is None:
            context = get_context("forkserver")
            context.set_forkserver_preload(["socialens.ingest.formats", "socialens.ingest.edge"])
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
            )
            self._skips_main = not needs_main
        return self._pool

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        needs_main = refers_to_main(fn)
        pool = self._get_pool(needs_main)
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
                    yield self._collect(window.popleft())
                raise
            with workers_skip_main(not needs_main):  # the pool starts its workers on submit
                window.append(pool.submit(fn, item))
            if len(window) >= self.workers * 2:
                yield self._collect(window.popleft())
        while window:
            yield self._collect(window.popleft())

    def _collect(self, future: Future[R]) -> R:
        try:
            return future.result()
        except BrokenProcessPool:
            self._pool = None  # unusable; the next imap starts a fresh one
            raise EngineError(
                "a worker process died. If this runs from a script whose functions the workers need, "
                'put the script\'s code under `if __name__ == "__main__":` (each worker imports the '
                "script again); if it ran out of memory, use fewer workers (0 runs in-process)"
            ) from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"workers": self.workers, "_pool": None, "_skips_main": False}
