"""Kept answers refreshed by the server when a job writes, so readers hit a ready answer instead of
scanning posts.

After a job that changes what the store answers, the refresher recomputes the answers readers
asked most recently (and, at start, what the dashboard asks when it opens) for the new store
version, then publishes that version: readers keep getting the answers of the store before the
job until then, and the job shows ``done`` once its answers are published (a client that waited
for its job never reads an answer from before it). An erasure is the exception: answers that may
hold the erased accounts must not be served a moment longer, so its version is published at once
(readers compute what they ask) and the answers asked before are recomputed after.

A recompute is a request replayed through the app in-process (same routes, same views); only this
replay carries the ``socialens.refresh`` scope key, which no HTTP client can set, and it is let
through read routes only.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from socialens.serve.cache import AnswerCache

log = logging.getLogger("socialens.serve")
REFRESH_KEY = "socialens.refresh"
# What the dashboard asks when a page opens without filters (static/app.js).
DASHBOARD = (
    "/api/v1/stats?",
    "/api/v1/results/sentiment?",
    "/api/v1/results/emotion?",
    "/api/v1/results/topics?",
    "/api/v1/results/trends?",
    "/api/v1/results/alerts?",
    "/api/v1/results/influencers?",
    "/api/v1/results/communities?",
    "/api/v1/results/suspicious?",
    "/api/v1/posts?limit=25&offset=0",
)


class AnswerRefresher:
    """Publishes store versions to the answer cache, each once its most asked answers are computed.

    ``limit``: how many of the most recently used answers are recomputed after a write;
    ``warm``: the keys (``path?query``) computed when the server starts."""

    def __init__(self, app: Any, answers: AnswerCache, limit: int = 32, warm: tuple[str, ...] = DASHBOARD) -> None:
        self.app, self.answers, self.limit = app, answers, limit
        self.published = 0
        self._target = 0
        self._waiting: list[tuple[int, Callable[[], None]]] = []
        self._warm = warm
        self._rewarm: list[str] = []
        self._stopping = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="socialens-refresher", daemon=True)
        self._thread.start()

    def written(self, version: int, then: Callable[[], None], at_once: bool = False) -> None:
        """The store is at ``version`` now; ``then`` runs once that version's answers are published
        (``at_once``: now, with the answers computed afterwards)."""
        with self._changed:
            self._target = max(self._target, version)
            if at_once:
                self._rewarm += self.answers.recent(self.published, self.limit)
                self.published = self._target
                ready = [then, *(done for v, done in self._waiting if v <= self.published)]
                self._waiting = [(v, done) for v, done in self._waiting if v > self.published]
            else:
                self._waiting.append((version, then))
                ready = []
            self._changed.notify()
        for done in ready:
            done()

    def stop(self, timeout: float = 30.0) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
        self._thread.join(timeout)

    def _work(self) -> None:
        self._replay(list(self._warm), self.published)
        while True:
            with self._changed:
                while self._target <= self.published and not self._rewarm and not self._stopping:
                    self._changed.wait()
                if self._stopping:
                    ready = [then for _, then in self._waiting]
                    self._waiting = []
                    break
                target, rewarm, self._rewarm = self._target, self._rewarm, []
            if rewarm:  # after an erasure: what was asked before, for the version now published
                self._replay(list(dict.fromkeys(rewarm)), self.published)
                continue
            started = time.perf_counter()
            asked = self.answers.recent(self.published, self.limit)
            self._replay(asked, target)
            log.info(
                "published store version %d (%d answers, %.1f s)", target, len(asked), time.perf_counter() - started
            )
            with self._changed:
                self.published = max(self.published, target)  # an erasure may have published past it
                ready = [then for version, then in self._waiting if version <= self.published]
                self._waiting = [(v, then) for v, then in self._waiting if v > self.published]
            for then in ready:
                then()
        for then in ready:  # stopping: the jobs finished; their answers are computed when asked
            then()

    def _replay(self, keys: list[str], version: int) -> None:
        for key in keys:
            if self._stopping:
                return
            try:
                asyncio.run(_get(self.app, key, version))
            except Exception:  # the answer is computed when a reader asks instead
                log.exception("refreshing %s failed", key)


async def _get(app: Any, key: str, version: int) -> int:
    """``GET key`` through the app in-process, its answer kept under ``version``; the status."""
    path, _, query = key.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"socialens-refresher")],
        "client": None,
        "server": None,
        REFRESH_KEY: version,
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status
