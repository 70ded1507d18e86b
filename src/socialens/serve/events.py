"""Server-Sent Events: the live alert feed and a job's progress, as ``text/event-stream``.

Streams poll in-memory state (a job, the alert feed) a few times a second and send what changed;
a comment line every ``HEARTBEAT`` seconds keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

POLL = 0.25
HEARTBEAT = 15.0
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}
}


def event(name: str, data: Any, event_id: int | str | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: ".encode() + orjson.dumps(data, default=str) + b"\n\n"


class AlertFeed:
    """The latest alerts with increasing sequence numbers; a stream sends those after its cursor."""

    def __init__(self, keep: int = 1000) -> None:
        self._items: deque[tuple[int, dict[str, Any]]] = deque(maxlen=keep)
        self._seq = 0
        self._lock = threading.Lock()

    def publish(self, alert: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            self._items.append((self._seq, alert))

    @property
    def last(self) -> int:
        return self._seq

    def after(self, seq: int) -> list[tuple[int, dict[str, Any]]]:
        with self._lock:
            return [(n, a) for n, a in self._items if n > seq]


async def alert_stream(feed: AlertFeed, since: int | None, gone: Callable[[], Any]) -> AsyncIterator[bytes]:
    cursor = feed.last if since is None else since
    yield b": connected\n\n"
    quiet = time.monotonic()
    while not await gone():
        for seq, alert in feed.after(cursor):
            cursor = seq
            yield event("alert", alert, seq)
            quiet = time.monotonic()
        if time.monotonic() - quiet > HEARTBEAT:
            yield b": heartbeat\n\n"
            quiet = time.monotonic()
        await asyncio.sleep(POLL)


async def job_stream(snapshot: Callable[[], dict[str, Any]], gone: Callable[[], Any]) -> AsyncIterator[bytes]:
    """``progress`` events while the job changes, then one ``done`` (or ``failed``) event."""
    last: dict[str, Any] | None = None
    quiet = time.monotonic()
    while not await gone():
        state = snapshot()
        if state != last:
            last = state
            finished = state["status"] in ("done", "failed")
            yield event(state["status"] if finished else "progress", state)
            if finished:
                return
            quiet = time.monotonic()
        elif time.monotonic() - quiet > HEARTBEAT:
            yield b": heartbeat\n\n"
            quiet = time.monotonic()
        await asyncio.sleep(POLL)
