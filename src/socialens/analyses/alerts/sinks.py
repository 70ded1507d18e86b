"""Where alerts go: the terminal, a JSON lines file, an HTTP webhook.

The webhook never blocks the stream: ``emit`` puts the alert on a bounded queue and returns;
a background thread posts it, retrying failures with exponential backoff. When the queue is
full the alert is dropped and counted (``stats()["dropped"]``), so a dead endpoint costs
alerts, never the stream's pace.
"""

from __future__ import annotations

import queue
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

import orjson

from socialens.analyses.alerts.events import Alert
from socialens.errors import ConfigError


class Sink(Protocol):
    def emit(self, alert: Alert) -> None: ...

    def close(self) -> None: ...

    def stats(self) -> dict[str, int]: ...


class TerminalSink:
    """One line per alert on the terminal (stderr), with its top terms."""

    def __init__(self, console: Any = None) -> None:
        if console is None:
            from rich.console import Console

            console = Console(stderr=True)
        self.console = console
        self.shown = 0

    def emit(self, alert: Alert) -> None:
        from rich.markup import escape

        terms = ", ".join(t for t, _ in alert.top_terms[:5])
        when = alert.as_json()["raised_at"]
        self.console.print(
            f"[bold yellow]ALERT[/] {when} [bold]{alert.kind}[/] {escape(alert.summary)}"
            + (f" [dim](terms: {escape(terms)})[/]" if terms else ""),
            highlight=False,
            soft_wrap=True,
        )
        self.shown += 1

    def close(self) -> None:
        pass

    def stats(self) -> dict[str, int]:
        return {"sent": self.shown}


class JsonlSink:
    """Appends each alert as one JSON line (flushed at once, so ``tail -f`` sees it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "ab")  # noqa: SIM115  kept open for the life of the stream
        self.written = 0

    def emit(self, alert: Alert) -> None:
        self._file.write(orjson.dumps(alert.as_json(), option=orjson.OPT_APPEND_NEWLINE))
        self._file.flush()
        self.written += 1

    def close(self) -> None:
        self._file.close()

    def stats(self) -> dict[str, int]:
        return {"sent": self.written}


_STOP = object()


class WebhookSink:
    """POSTs each alert as JSON from a background thread; retries with backoff; drops when full."""

    def __init__(
        self,
        url: str,
        queue_size: int = 1000,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        timeout: float = 5.0,
        token: str | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"webhook URL {url!r} must start with http:// or https://")
        self.url = url
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.token = token
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._counts = {"sent": 0, "failed": 0, "dropped": 0, "retried": 0}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="socialens-webhook", daemon=True)
        self._thread.start()

    def emit(self, alert: Alert) -> None:
        try:
            self._queue.put_nowait(orjson.dumps(alert.as_json()))
        except queue.Full:
            self._count("dropped")

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self._counts, "queued": self._queue.qsize()}

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued (up to ``timeout`` seconds), then stop the thread."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self._queue.put(_STOP, timeout=0.1)
                break
            except queue.Full:
                continue
        self._thread.join(max(0.0, deadline - time.monotonic()))

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _work(self) -> None:
        while True:
            body = self._queue.get()
            if body is _STOP:
                return
            self._count("sent" if self._deliver(body) else "failed")

    def _deliver(self, body: bytes) -> bool:
        for attempt in range(self.retries + 1):
            if attempt:
                self._count("retried")
                time.sleep(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))
            headers = {"Content-Type": "application/json"}
            if self.token:  # e.g. socialens serve's POST /api/v1/alerts, which needs a write token
                headers["Authorization"] = f"Bearer {self.token}"
            request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    if 200 <= response.status < 300:
                        return True
            except (urllib.error.URLError, OSError, TimeoutError):
                continue  # HTTP errors (4xx/5xx) and connection failures alike: try again
        return False


def parse_sink(spec: str) -> Sink:
    """``terminal``, ``jsonl:PATH`` or ``webhook:URL`` (sent with the bearer token in the
    ``SOCIALENS_TOKEN`` environment variable when it is set)."""
    kind, _, target = spec.partition(":")
    if kind == "terminal" and not target:
        return TerminalSink()
    if kind == "jsonl" and target:
        return JsonlSink(Path(target))
    if kind == "webhook" and target:
        import os

        return WebhookSink(target, token=os.environ.get("SOCIALENS_TOKEN") or None)
    raise ConfigError(f"--sink {spec!r}: expected terminal, jsonl:PATH or webhook:URL")
