"""Executors behind one protocol: ordered, bounded ``imap`` over picklable work items, plus
per-worker setup.

The protocol (``Executor``) is two methods: ``imap(fn, items)`` yields ``fn(item)`` in input
order with a bounded number of items in flight, raising a failed item's exception where its
result belongs; ``close()`` stops what the executor started (idempotent). Per-worker setup is
``map_with(executor, setup, fn, items)``: it yields ``fn(state, item)`` where
``state = setup()`` is built at most once per worker process (a model loaded once, not
pickled with every batch); ``setup`` is a small picklable recipe (a module-level function, a
``functools.partial`` of one, or a dataclass with ``__call__``).

``LocalExecutor`` runs in-process (the reference the others must match); ``ProcessExecutor``
uses a fork server's worker processes on this machine; ``socialens.engine.dask.DaskExecutor``
(the ``distributed`` extra) runs on a local Dask cluster or an existing scheduler.
``from_spec("local" | "process" | "dask[://HOST:PORT]")`` builds one from an ``--engine``
value. Another backend (Ray, say) is one more class with ``imap`` and ``close``. Work items,
functions and recipes must pickle (the Dask executor uses cloudpickle, so functions of the
user's script travel too).

>>> from functools import partial
>>> list(map_with(LocalExecutor(), partial(dict, offset=10), lambda state, n: n + state["offset"], [1, 2]))
[11, 12]
"""

from __future__ import annotations

from socialens.engine.base import ENGINE_NAMES, Executor, default_executor, from_spec
from socialens.engine.local import LocalExecutor
from socialens.engine.process import ProcessExecutor
from socialens.engine.state import map_with

__all__ = ["ENGINE_NAMES", "Executor", "LocalExecutor", "ProcessExecutor", "default_executor", "from_spec", "map_with"]
