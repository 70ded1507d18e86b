"""Per-worker state: a model is loaded once per worker, not pickled with every batch.

``map_with(executor, setup, fn, items)`` runs ``fn(state, item)`` where ``state = setup()`` is
built at most once per worker process (once in-process for the local executor). Work items
carry only ``setup`` (a small picklable recipe: a module-level function, a
``functools.partial`` of one, or a dataclass with ``__call__``), never the state it builds.
The cache is keyed by the pickled recipe, so the same recipe in a later call reuses the state.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from socialens.engine.base import Executor

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

# Recipe (pickled) -> the state it built, in this process. Bounded: a worker keeps a few models.
_STATES: dict[bytes, Any] = {}
_MAX_STATES = 4
# A worker with several threads (a Dask worker with --nthreads 2) must not load a model twice.
_LOCK = threading.Lock()


def worker_state(setup: Callable[[], S]) -> S:
    """The state ``setup()`` builds, built once in this process and then reused."""
    key = _recipe_key(setup)
    with _LOCK:
        if key not in _STATES:
            if len(_STATES) >= _MAX_STATES:
                _STATES.pop(next(iter(_STATES)))
            _STATES[key] = setup()
        state: S = _STATES[key]
    return state


def _recipe_key(setup: Callable[[], Any]) -> bytes:
    try:
        return pickle.dumps(setup)
    except (pickle.PicklingError, AttributeError, TypeError):
        # A function of the user's script, sent by value to a Dask worker, has no module there
        # for pickle to name; cloudpickle (which sent it) describes it by its code instead.
        import cloudpickle

        return cloudpickle.dumps(setup)  # type: ignore[no-any-return]


def _call_with_state(setup: Callable[[], S], fn: Callable[[S, T], R], item: T) -> R:
    return fn(worker_state(setup), item)


def map_with(executor: Executor, setup: Callable[[], S], fn: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
    """``fn(setup(), item)`` for each item on ``executor``, in input order; ``setup`` runs once per worker."""
    return executor.imap(partial(_call_with_state, setup, fn), items)
