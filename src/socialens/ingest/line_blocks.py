"""Uncompressed line files read a buffer at a time, as whole blocks of lines for the workers.

``line_blocks`` gives exactly the chunks ``chunks.line_chunks`` gives, each as one
``LineBlock`` (a bytes buffer plus its first line number) instead of a list of
``(number, line)`` pairs: one bytes object pickles to a worker for almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import IO, Any

from socialens.ingest.chunks import CHUNK_LINES, line_chunks
from socialens.ingest.readers import Source

# Bytes read at a time by ``line_blocks``.
READ_BYTES = 16 << 20
# Lines that ``Source.lines`` skips: nothing but ASCII whitespace (``bytes.strip``'s). Two
# plain patterns: a multi-line ``^...$`` search is ~20x slower over a buffer.
_BLANK_FIRST = re.compile(rb"[ \t\r\x0b\x0c]*(?:\n|$)")
_BLANK_INSIDE = re.compile(rb"\n[ \t\r\x0b\x0c]*\n")
_BLANK_START = list(b" \t\r\x0b\x0c\n")  # how a blank line after a newline can begin


@dataclass(slots=True)
class LineBlock:
    """``count`` consecutive lines of a file, numbered from ``first``, as one buffer.

    What ``line_chunks`` would give as ``[(number, line), ...]``, for a block without blank
    lines: one bytes object pickles to a worker for almost nothing, where 24,000 small tuples
    cost the reading process ~1.5 us a line to cut and pickle.
    """

    data: bytes
    first: int
    count: int

    def __len__(self) -> int:
        return self.count

    def lines(self) -> list[tuple[int, bytes]]:
        """The block as ``line_chunks`` gives it (each line with its newline, if it had one)."""
        parts = self.data.split(b"\n")
        if parts[-1] == b"":
            parts.pop()
            return [(self.first + i, part + b"\n") for i, part in enumerate(parts)]
        return [(self.first + i, part + b"\n") for i, part in enumerate(parts[:-1])] + [
            (self.first + len(parts) - 1, parts[-1])
        ]

    def pick(self, indices: list[int]) -> list[tuple[int, bytes]]:
        """``self.lines()[i]`` for each of ``indices``, without a tuple (or a bytes object) for
        every line: sliced between newlines."""
        if not indices:
            return []
        ends, data = _newlines(self.data), self.data
        out = []
        for i in indices:
            start = int(ends[i - 1]) + 1 if i else 0
            stop = int(ends[i]) + 1 if i < len(ends) else len(data)  # the last line may have no newline
            out.append((self.first + i, data[start:stop]))
        return out

    def texts(self) -> list[str]:
        """The lines decoded, without newlines; raises ``UnicodeDecodeError`` if one is not UTF-8."""
        text = self.data.decode("utf-8")
        parts = text.split("\n")
        if parts[-1] == "":
            parts.pop()
        return parts


Lines = list[tuple[int, bytes]] | LineBlock


def as_pairs(lines: Lines) -> list[tuple[int, bytes]]:
    return lines.lines() if isinstance(lines, LineBlock) else lines


def line_blocks(source: Source, size: int, parts: int = 1) -> Iterator[Lines]:
    """``line_chunks(source, size)`` for uncompressed files, the chunks as ``LineBlock``s.

    The same chunks (and so the same blocks of ``CHUNK_LINES``, batches and results), read a
    buffer at a time; from the first blank line on (which ``Source.lines`` skips), line by
    line as ``line_chunks`` does. Towards the end of the file chunks get smaller (multiples
    of ``CHUNK_LINES``), so that ``parts`` workers finish at about the same time.
    """
    if source.compression:  # a truncated stream must lose exactly what ``Source.lines`` loses
        yield from line_chunks(source, size)
        return
    number = consumed = newlines = 0  # newlines: in ``pending``, counted once as read
    pending = b""
    with source.open() as handle:
        while data := handle.read(READ_BYTES):
            pending += data
            consumed += len(data)
            newlines += _count_newlines(data)
            while (want := _tail_size(source, size, parts, number, consumed - len(pending))) <= newlines:
                ends = _newlines(pending)[:want]
                cut = int(ends[-1]) + 1
                block = pending[:cut]
                if _has_blank(block, ends):
                    yield from _by_line(pending, handle, number, size)
                    return
                yield LineBlock(block, number + 1, want)
                pending, number, newlines = pending[cut:], number + want, newlines - want
        if pending:
            if _has_blank(pending, _newlines(pending)):
                yield from _by_line(pending, handle, number, size)
                return
            yield LineBlock(pending, number + 1, pending.count(b"\n") + (not pending.endswith(b"\n")))


# NumPy finds newlines ~7x faster than ``bytes.count`` (and splitting makes a bytes object per
# line, slower still): this is the reading process's time, which the workers wait on.
def _count_newlines(data: bytes) -> int:
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == 10))


def _newlines(data: bytes) -> Any:
    """Offsets of the newlines in ``data``, as a NumPy array."""
    import numpy as np

    return np.flatnonzero(np.frombuffer(data, np.uint8) == 10)


def _has_blank(block: bytes, ends: Any) -> bool:
    """Whether a line of ``block`` (whole lines, the last one perhaps without newline) is blank;
    ``ends``: the offsets of its newlines."""
    import numpy as np

    if _BLANK_FIRST.match(block):
        return True
    # A blank line inside starts with whitespace or is empty: searched for only where a line
    # does (the search alone costs the reading process ~0.15 us a line).
    starts = ends[ends + 1 < len(block)] + 1
    candidates = starts.size and np.isin(np.frombuffer(block, np.uint8)[starts], _BLANK_START).any()
    if candidates and _BLANK_INSIDE.search(block):
        return True
    return not block.endswith(b"\n") and not block.rpartition(b"\n")[2].strip()


def _tail_size(source: Source, size: int, parts: int, lines_read: int, bytes_read: int) -> int:
    """Lines for the next chunk: ``size``, less near the end of the file (estimated from the
    bytes per line so far) so that the last chunks spread over ``parts`` workers, down to a
    quarter of ``size`` (each chunk has fixed costs). Where less than that would be left over,
    the rest of the file (at most ``size``) is the last chunk."""
    if parts <= 1 or lines_read == 0:
        return size
    left = (source.size - bytes_read) * lines_read // max(bytes_read, 1)
    floor = max(CHUNK_LINES, size // 4 // CHUNK_LINES * CHUNK_LINES)
    want = max(floor, min(size, left // parts // CHUNK_LINES * CHUNK_LINES))
    return size if left - want < floor else want


def _by_line(pending: bytes, handle: IO[bytes], done: int, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """The rest of the file as ``line_chunks`` reads it, from line ``done + 1`` (in ``pending``)."""
    pending += handle.readline()  # the last line read in part, whole
    first = pending.split(b"\n")
    lines: Iterable[bytes] = [part + b"\n" for part in first[:-1]] + ([first[-1]] if first[-1] else [])
    chunk: list[tuple[int, bytes]] = []
    for number, line in enumerate(chain(lines, handle), start=done + 1):
        if line.strip():
            chunk.append((number, line))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk
