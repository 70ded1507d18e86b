"""Dask distributed: a scheduler's workers (on this machine or others) run the work items.

``DaskExecutor()`` starts a ``LocalCluster`` on loopback (``workers`` processes of one thread
each, no dashboard) and shuts it down on ``close()``; ``DaskExecutor("tcp://HOST:PORT")``
connects to a running scheduler (giving up after ``connect_timeout`` seconds with a
``ConfigError``) and on ``close()`` drops only its own connection, never the
scheduler or its workers. Results come back in input order with at most
``IN_FLIGHT_PER_WORKER x workers`` items in flight. Work items and functions travel pickled
(cloudpickle), and the workers must be able to import ``socialens``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from socialens.engine.lifecycle import workers_skip_main
from socialens.errors import ConfigError, MissingExtraError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

T = TypeVar("T")
R = TypeVar("R")
# Work items in flight per worker: a Dask round trip (client -> scheduler -> worker and back)
# is longer than a pipe's, so each worker keeps more queued than the process pool's two.
IN_FLIGHT_PER_WORKER = 4
_LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.scheduler.work-stealing": False,
}


def _distributed() -> Any:
    try:
        import distributed
    except ModuleNotFoundError as exc:
        raise MissingExtraError("distributed", "distributed") from exc
    return distributed


def scheduler_address(address: str) -> str:
    """``HOST:PORT`` as given after ``dask://``, with the TCP scheme Dask expects.

    >>> scheduler_address("127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    """
    return address if "://" in address else f"tcp://{address}"


class DaskExecutor:
    """``imap`` over a Dask cluster: a local one it starts, or the scheduler at ``address``."""

    def __init__(self, address: str | None = None, workers: int | None = None, connect_timeout: float = 15) -> None:
        self.address = scheduler_address(address) if address else None
        self.connect_timeout = connect_timeout
        # For a local cluster: processes to start. For a scheduler: filled in on connecting.
        self.workers = workers or 2
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None

    def _get_client(self) -> Client:
        if self._client is not None:
            return self._client
        distributed = _distributed()
        if self.address is None:
            # Its workers need no script: cloudpickle sends functions defined there by value.
            with workers_skip_main():
                self._cluster = self._local_cluster(distributed)
            self._client = distributed.Client(self._cluster, set_as_default=False)
        else:
            try:
                self._client = distributed.Client(self.address, timeout=self.connect_timeout, set_as_default=False)
            except OSError as exc:
                raise ConfigError(
                    f"could not reach a Dask scheduler at {self.address} ({exc}); start one with "
                    "`dask scheduler` and `dask worker`, or use --engine dask for a local cluster"
                ) from None
            self.workers = max(sum(self._client.nthreads().values()), 1)
        return self._client

    def _local_cluster(self, distributed: Any) -> LocalCluster:
        import dask

        # The workers' statistical profiler samples every thread every 10 ms and work stealing
        # moves tasks between two equal workers: both cost CPU that the work needs on a small
        # machine. The nannies hand this configuration to the worker processes they start.
        with dask.config.set(_LOCAL_CONFIG):
            return self._start_local_cluster(distributed)

    def _start_local_cluster(self, distributed: Any) -> LocalCluster:
        cluster: LocalCluster = distributed.LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # Without a dashboard the scheduler still serves /health on 8787, which another
            # cluster on the machine may hold: any free loopback port instead.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        )
        return cluster

    def imap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        client = self._get_client()
        window: deque[Future] = deque()
        iterator = iter(items)
        try:
            while True:
                try:
                    item = next(iterator)
                except StopIteration:
                    break
                except Exception:
                    # As the process pool: the input's error comes after the work already submitted.
                    while window:
                        yield window.popleft().result()
                    raise
                # pure=False: two equal items are two tasks; Dask must not merge them by key.
                window.append(client.submit(fn, item, pure=False))
                if len(window) >= self.workers * IN_FLIGHT_PER_WORKER:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            if window:  # abandoned early or failed: the rest is not wanted
                client.cancel(list(window))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_client=None, _cluster=None)
        return state
