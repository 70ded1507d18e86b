"""Where ``watch`` reads posts: JSON lines on stdin, a file being appended (``tail -f``), Redis Streams.

Every source hands out ``Message``s (one line each, with an id unique within the source and
the position to resume from after it) and is told, by ``ack``, when a batch has been
processed and checkpointed. Only Redis needs the acknowledgement (XACK); the file's resume
point is the checkpointed byte offset.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import parse_qs, urlparse

import orjson

from socialens.errors import ConfigError, InputFileError


@dataclass(slots=True)
class Message:
    id: str
    data: bytes
    #: Where reading resumes after this message (file: byte offset; stdin: line; Redis: entry id).
    position: Any = None


class Source(Protocol):
    name: str

    def read(self, max_items: int, max_wait: float) -> list[Message]:
        """Up to ``max_items`` messages, waiting at most ``max_wait`` seconds for the first."""
        ...

    @property
    def exhausted(self) -> bool:
        """True when nothing more will ever come (end of stdin, end of a file not followed)."""
        ...

    def ack(self, messages: list[Message]) -> None: ...

    def close(self) -> None: ...


class FileSource:
    """A file read from a byte offset, following appends like ``tail -f`` (``follow``).

    A line without its newline yet is left for the next read. A file that shrank (truncated)
    or was replaced (rotated: another inode) is read again from its start.
    """

    def __init__(self, path: Path, position: int = 0, follow: bool = True, poll: float = 0.1) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.follow = follow
        self.poll = poll
        self.offset = int(position or 0)
        self._file: IO[bytes] | None = None
        self._inode: int | None = None
        self._at_end = False

    def _open(self) -> IO[bytes] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if not self.follow:
                raise InputFileError(self.path, "not found") from None
            return None  # may appear later
        if self._file is not None and (stat.st_ino != self._inode or stat.st_size < self.offset):
            self._file.close()
            self._file, self.offset = None, 0
        if self._file is None:
            self._file = open(self.path, "rb")  # noqa: SIM115  held while the stream runs
            self._inode = stat.st_ino
            if stat.st_size < self.offset:
                self.offset = 0
            self._file.seek(self.offset)
        return self._file

    def read(self, max_items: int, max_wait: float) -> list[Message]:
        deadline = time.monotonic() + max_wait
        out: list[Message] = []
        while len(out) < max_items:
            handle = self._open()
            line = handle.readline() if handle is not None else b""
            if line.endswith(b"\n"):
                start, self.offset = self.offset, self.offset + len(line)
                if line.strip():
                    out.append(Message(str(start), line, self.offset))
                continue
            if handle is not None and line:
                handle.seek(self.offset)  # a partial last line: wait for the rest of it
            self._at_end = not self.follow
            if out or self._at_end or time.monotonic() >= deadline:
                break
            time.sleep(self.poll)
        return out

    @property
    def exhausted(self) -> bool:
        return self._at_end

    def ack(self, messages: list[Message]) -> None:
        pass

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class StdinSource:
    """Lines from standard input, read by a thread so a quiet pipe does not block the loop."""

    _EOF = b""

    def __init__(self, stream: IO[bytes] | None = None) -> None:
        self.name = "stdin"
        self._stream = stream if stream is not None else sys.stdin.buffer
        self._lines: queue.Queue[bytes] = queue.Queue(maxsize=10_000)
        self._count = 0
        self._done = False
        threading.Thread(target=self._pump, name="socialens-stdin", daemon=True).start()

    def _pump(self) -> None:
        for line in self._stream:
            self._lines.put(line)
        self._lines.put(self._EOF)

    def read(self, max_items: int, max_wait: float) -> list[Message]:
        out: list[Message] = []
        deadline = time.monotonic() + max_wait
        while len(out) < max_items and not self._done:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()) if not out else 0.0)
            except queue.Empty:
                break
            if line is self._EOF or line == self._EOF:
                self._done = True
                break
            self._count += 1
            if line.strip():
                out.append(Message(str(self._count), line, self._count))
        return out

    @property
    def exhausted(self) -> bool:
        return self._done

    def ack(self, messages: list[Message]) -> None:
        pass

    def close(self) -> None:
        pass


class RedisSource:
    """A Redis stream read by a consumer group: own pending entries first (left unacknowledged by
    a crash), then stale entries of dead consumers (XAUTOCLAIM), then new ones (``>``).

    An entry's post is its ``line`` (or ``data``/``post``) field, one JSON line; an entry
    without those fields is taken as the post's fields themselves.
    """

    def __init__(self, url: str, group: str = "socialens", consumer: str = "watch-1", claim_idle: float = 60.0) -> None:
        try:
            import redis
        except ImportError:
            from socialens.errors import MissingExtraError

            raise MissingExtraError("redis", "stream") from None
        parsed = urlparse(url)
        self.stream = parsed.path.lstrip("/")
        if parsed.scheme != "redis" or not self.stream:
            raise ConfigError(f"--source {url!r}: expected redis://HOST:PORT/STREAM")
        db = int(parse_qs(parsed.query).get("db", ["0"])[0])
        self.name = url
        self.group = group
        self.consumer = consumer
        self.claim_idle_ms = int(claim_idle * 1000)
        self.client = redis.Redis(host=parsed.hostname or "localhost", port=parsed.port or 6379, db=db)
        self._pending_from: str | None = "0"
        try:
            self.client.xgroup_create(self.stream, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        except redis.ConnectionError as exc:
            raise ConfigError(f"cannot reach Redis at {url}: {exc}") from None

    def read(self, max_items: int, max_wait: float) -> list[Message]:
        if self._pending_from is not None:
            own: dict[Any, Any] = {self.stream: self._pending_from}
            entries = self._entries(self.client.xreadgroup(self.group, self.consumer, own, count=max_items))
            if entries:
                self._pending_from = entries[-1][0].decode()
                return [self._message(i, f) for i, f in entries]
            self._pending_from = None
            _, claimed, *_ = self.client.xautoclaim(
                self.stream, self.group, self.consumer, self.claim_idle_ms, start_id="0-0", count=max_items
            )
            claimed = [(i, f) for i, f in claimed if f]
            if claimed:
                return [self._message(i, f) for i, f in claimed]
        block = max(1, int(max_wait * 1000))
        reply = self.client.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count=max_items, block=block)
        return [self._message(i, f) for i, f in self._entries(reply)]

    @staticmethod
    def _entries(reply: Any) -> list[tuple[bytes, dict[bytes, bytes]]]:
        return [(i, f) for _, entries in reply or [] for i, f in entries]

    @staticmethod
    def _message(entry_id: bytes, fields: dict[bytes, bytes]) -> Message:
        data = fields.get(b"line") or fields.get(b"data") or fields.get(b"post")
        if data is None:
            data = orjson.dumps({k.decode(): v.decode("utf-8", "replace") for k, v in fields.items()})
        ident = entry_id.decode()
        return Message(ident, data, ident)

    @property
    def exhausted(self) -> bool:
        return False

    def ack(self, messages: list[Message]) -> None:
        if messages:
            self.client.xack(self.stream, self.group, *[m.id for m in messages])

    def close(self) -> None:
        self.client.close()


def open_source(
    spec: str, position: Any = None, group: str = "socialens", consumer: str = "watch-1", follow: bool = True
) -> Source:
    """``stdin`` (or ``-``), ``redis://HOST:PORT/STREAM``, or a file path."""
    if spec in ("stdin", "-"):
        return StdinSource()
    if spec.startswith("redis://"):
        return RedisSource(spec, group=group, consumer=consumer)
    return FileSource(Path(spec), position=position or 0, follow=follow)
