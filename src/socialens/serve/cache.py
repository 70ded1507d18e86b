"""Answers of read routes kept until the store changes: dashboards ask the same few questions over
and over, and a view over a million posts takes far longer than sending a kept answer.

Every finished job (the only way the server writes) moves ``JobQueue.version`` on; a kept answer
is used only under the version it was computed at, so no reader ever sees an answer older than
the last finished job. While a job runs, readers get the answers of the store before it. The
first asker of a question computes it; others asking meanwhile wait for that answer instead of
computing it again (fifty dashboards opening at once cost one computation).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MISSING = object()  # what ``peek`` gives for an answer not kept


class AnswerCache:
    def __init__(self, size: int = 512, enabled: bool = True) -> None:
        self.size, self.enabled = size, enabled
        self._kept: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self._pending: dict[tuple[int, str], threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: int, key: str, compute: Callable[[], T]) -> T:
        if not self.enabled:
            return compute()
        wanted = (version, key)
        while True:
            with self._lock:
                if wanted in self._kept:
                    self._kept.move_to_end(wanted)
                    self.hits += 1
                    return self._kept[wanted]  # type: ignore[no-any-return]
                pending = self._pending.get(wanted)
                if pending is None:
                    self._pending[wanted] = threading.Event()
                    self.misses += 1
                    break
            pending.wait()  # another request computes it; if it failed, the loop computes it here
        try:
            answer = compute()
            with self._lock:
                self._kept[wanted] = answer
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
            return answer
        finally:
            with self._lock:
                self._pending.pop(wanted).set()

    def peek(self, version: int, key: str) -> Any:
        """The answer kept for ``key`` under ``version`` (``MISSING`` if none), without computing it."""
        with self._lock:
            return self._kept.get((version, key), MISSING)

    def recent(self, version: int, limit: int) -> list[str]:
        """The keys kept under ``version``, most recently used first."""
        with self._lock:
            return [key for kept, key in reversed(self._kept) if kept == version][:limit]
