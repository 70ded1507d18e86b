"""Opening input files: transparent decompression, byte-level progress, JSON lines and documents."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from socialens.errors import InputFileError

HEAD_BYTES = 64 * 1024
# A JSON document (not JSON lines) is parsed whole, and its Python objects take several times
# its size in memory; past this many (decompressed) bytes it is refused with a hint to convert
# it to JSON lines, which stream in bounded memory whatever their size.
MAX_DOCUMENT_BYTES = 512 << 20
# Strings (whole, or an unterminated one where the sample ends) and brackets: enough to find
# where the values of a JSON prefix end.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|["\[\]{}]', re.DOTALL)
_OPENERS = (b"{", b"[", b",", b":")
Layout = Literal["empty", "lines", "document"]
_COMPRESSED = {".zst": "zstd", ".zstd": "zstd", ".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
_DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, lzma.LZMAError)


@dataclass(slots=True)
class RawItem:
    """One raw record and where it came from (``line`` in the file, or ``item`` in a document)."""

    data: Any
    line: int


@dataclass(slots=True)
class Reject:
    """A record set aside: the source file, its line (or item), the reason, and an excerpt."""

    source: str
    line: int
    reason: str
    field: str | None = None
    excerpt: str = ""


class _CountingReader(io.RawIOBase):
    """Counts the compressed bytes consumed, for a progress bar in file-size units."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


class _ZstdReader(io.RawIOBase):
    """Streaming zstd that notices truncation (zstandard's stream_reader ends silently).

    Reads concatenated frames; Pushshift/Arctic Shift dumps need the 2 GiB window.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self.raw = raw
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._stream = self._decompressor.decompressobj()
        self._pending = b""
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self.raw.read(1 << 20)
            if not chunk:
                if self._started and not self._stream.eof:
                    import zstandard

                    raise zstandard.ZstdError("the zstd stream ends in the middle of a frame")
                return 0
            self._started = True
            self._pending = self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = self._stream.decompress(chunk)
        while self._stream.eof and self._stream.unused_data:
            rest = self._stream.unused_data
            self._stream = self._decompressor.decompressobj()
            out += self._stream.decompress(rest)
        return out

    def close(self) -> None:
        self.raw.close()
        super().close()


class Source:
    """An input file opened for reading, decompressed on the fly."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputFileError(self.path, "no such file")
        if self.path.is_dir():
            raise InputFileError(self.path, "is a directory; pass the files inside it")
        self.size = self.path.stat().st_size
        self.compression = _COMPRESSED.get(self.path.suffix.lower())
        self._counter: _CountingReader | None = None
        self._layout: Layout | None = None

    @property
    def name(self) -> str:
        """The file name without compression suffix, e.g. ``RC_2023-01.ndjson``."""
        return self.path.stem if self.compression else self.path.name

    @property
    def bytes_read(self) -> int:
        return self._counter.count if self._counter else 0

    def open(self) -> IO[bytes]:
        raw: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        self._counter = _CountingReader(raw)
        buffered = io.BufferedReader(self._counter, buffer_size=1 << 20)
        if self.compression == "zstd":
            return io.BufferedReader(_ZstdReader(buffered), buffer_size=1 << 20)
        if self.compression == "gzip":
            return gzip.GzipFile(fileobj=buffered)  # type: ignore[return-value]
        if self.compression == "bz2":
            return bz2.BZ2File(buffered)  # type: ignore[return-value]
        if self.compression == "xz":
            return lzma.LZMAFile(buffered)  # type: ignore[return-value]
        return buffered

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` decompressed bytes (for format detection)."""
        try:
            with self.open() as handle:
                return handle.read(n)
        except _decompress_errors() as exc:
            raise InputFileError(self.path, f"corrupt or not a {self.compression} file ({exc})") from exc

    def lines(self) -> Generator[tuple[int, bytes], None, None]:
        """Non-empty lines with 1-based line numbers; a truncated stream raises InputFileError."""
        number = 0
        try:
            with self.open() as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield number, line
        except _decompress_errors() as exc:
            raise InputFileError(
                self.path,
                f"truncated or corrupt {self.compression or ''} data after line {number} ({exc})",
            ) from exc

    def read_all(self, limit: int | None = None) -> bytes:
        """Every decompressed byte; more than ``limit`` bytes is an InputFileError."""
        try:
            with self.open() as handle:
                data = handle.read() if limit is None else handle.read(limit + 1)
        except _decompress_errors() as exc:
            raise InputFileError(self.path, f"truncated or corrupt {self.compression} data ({exc})") from exc
        if limit is not None and len(data) > limit:
            raise InputFileError(
                self.path,
                f"one JSON document of more than {limit >> 20} MiB is too large to read whole; "
                "convert it to JSON lines, which stream (e.g. jq -c '.[]' or jq -c '.data[]')",
            )
        return data

    def layout(self) -> Layout:
        """``document`` (one JSON value over the whole file, pretty-printed or on one line),
        ``lines`` (one JSON value a line) or ``empty``; decided once from the first lines.

        A first line that does not parse opens a document when it ends open (``{``, ``[``,
        ``,`` or ``:``, as pretty-printers write it) or when the next line does not parse
        either; otherwise it is a broken first record of JSON lines, rejected on its own.
        """
        if self._layout is None:
            with closing(self.lines()) as lines:
                first = next(lines, None)
                second = next(lines, None) if first is not None else None
            self._layout = _layout_of(first, second)
        return self._layout


def _decompress_errors() -> tuple[type[BaseException], ...]:
    import zstandard

    return (*_DECOMPRESS_ERRORS, zstandard.ZstdError)


def excerpt(data: bytes | str | Any, limit: int = 300) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    elif not isinstance(data, str):
        try:
            data = orjson.dumps(data, default=str).decode()
        except TypeError:  # what JSON cannot hold (integers past 64 bits, from the Python API)
            data = repr(data)
    data = data.strip()
    return data if len(data) <= limit else data[:limit] + "..."


def iter_json_lines(source: Source) -> Iterator[RawItem | Reject]:
    """Each line parsed as JSON; a line that is not JSON becomes a Reject, the rest go on."""
    for number, line in source.lines():
        try:
            yield RawItem(orjson.loads(line), number)
        except orjson.JSONDecodeError as exc:
            yield Reject(str(source.path), number, f"not valid JSON: {exc}", None, excerpt(line))


def load_json_document(source: Source, prefix_until: bytes | None = None) -> Any:
    """A whole JSON document (up to ``MAX_DOCUMENT_BYTES``); ``prefix_until`` skips a
    JavaScript prefix such as ``window.X =``."""
    data = source.read_all(MAX_DOCUMENT_BYTES)
    if prefix_until is not None:
        cut = data.find(prefix_until)
        if cut < 0:
            raise InputFileError(source.path, f"expected {prefix_until.decode()!r} in a JS export")
        data = data[cut:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputFileError(source.path, f"not a complete JSON document (truncated?): {exc}") from exc


def iter_json_values(source: Source) -> Iterator[RawItem | Reject]:
    """The file's JSON values: each line of JSON lines, or the one document (numbered 1)."""
    layout = source.layout()
    if layout == "document":
        yield RawItem(load_json_document(source), 1)
    elif layout == "lines":
        yield from iter_json_lines(source)


def _layout_of(first: tuple[int, bytes] | None, second: tuple[int, bytes] | None) -> Layout:
    if first is None:
        return "empty"
    if second is None:
        return "document"  # a single line: the whole file is its one value
    line = first[1].strip()
    if _parses(line):
        return "lines"
    if line[:1] not in (b"{", b"["):
        return "lines"
    return "document" if line.endswith(_OPENERS) or not _parses(second[1]) else "lines"


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def parse_prefix(head: bytes) -> Any:
    """The JSON value at the start of ``head``, cut after its last complete inner value and
    closed, when ``head`` is the start of a document too long to parse whole; None if none.

    What format detection sees of a long document: its outer structure and first items.

    >>> parse_prefix(b'{"statuses": [{"id": 1}, {"id": 2}, {"id"')
    {'statuses': [{'id': 1}, {'id': 2}]}
    >>> parse_prefix(b'[{"text": "a]}"}, {"te') is None, parse_prefix(b'[1, 2')
    (False, None)
    """
    closers: list[bytes] = []
    cut: tuple[int, list[bytes]] | None = None
    for match in _JSON_TOKENS.finditer(head):
        token = match.group()
        if token[:1] == b'"':
            if len(token) == 1:
                break  # the sample ends inside a string
            continue
        if token in (b"{", b"["):
            closers.append(b"}" if token == b"{" else b"]")
            continue
        if not closers or closers.pop() != token:
            return None  # unbalanced: not JSON
        if not closers:
            return _loads_or_none(head[: match.end()])
        cut = (match.end(), closers.copy())
    if cut is None:
        return None
    end, still_open = cut
    return _loads_or_none(head[:end] + b"".join(reversed(still_open)))


def _loads_or_none(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
