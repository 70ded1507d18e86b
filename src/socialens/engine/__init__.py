"""Executors behind one interface: ordered ``imap`` over picklable work items.

``LocalExecutor`` runs in-process (the default for small inputs and tests);
``ProcessExecutor`` uses worker processes on this machine. A distributed executor
implements the same two methods, which is why components and work items must pickle.
"""

from __future__ import annotations

from socialens.engine.base import ENGINE_NAMES, Executor, default_executor, from_spec
from socialens.engine.local import LocalExecutor
from socialens.engine.process import ProcessExecutor
from socialens.engine.state import map_with

__all__ = ["ENGINE_NAMES", "Executor", "LocalExecutor", "ProcessExecutor", "default_executor", "from_spec", "map_with"]
