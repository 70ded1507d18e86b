"""Work units of an ingest: a chunk of raw input in, Arrow tables and rejects out.

``process_lines`` is what worker processes run (everything in it pickles); documents that
cannot be split by line are chunked in-process by ``document_chunks``. Both give the same
``ChunkResult``, so the writer does not care where a chunk was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from socialens.errors import InputFileError
from socialens.ingest.base import Importer
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.readers import Reject, Source
from socialens.schema import Interaction, Post, Record, RecordType, User
from socialens.store.arrow import records_to_table

CHUNK_LINES = 2_000

# A worker process gets the EdgeProcessor anew, unpickled, with every chunk, which would lose
# its caches (pseudonyms, languages) each time; it keeps one per settings instead.
_RESIDENT: dict[tuple[object, ...], EdgeProcessor] = {}


@dataclass(slots=True)
class ChunkResult:
    tables: dict[str, pa.Table] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    read: int = 0
    posts: int = 0
    bytes_read: int = 0
    truncated: int = 0

    def __reduce__(self) -> tuple[object, ...]:
        # On its way from a worker: pickled, an Arrow table goes column by column, buffer by
        # buffer (~1 us a post to pickle in the worker, ~0.35 to unpickle in the main process);
        # as one IPC stream each, a fifth of that, and the tables read back share its buffer.
        tables = {name: _to_ipc(table) for name, table in self.tables.items()}
        return (_chunk_result, (tables, self.rejects, self.read, self.posts, self.bytes_read, self.truncated))


def _to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()  # type: ignore[no-any-return]


def _chunk_result(
    tables: dict[str, bytes], rejects: list[Reject], read: int, posts: int, size: int, truncated: int
) -> ChunkResult:
    restored = {name: pa.ipc.open_stream(data).read_all() for name, data in tables.items()}
    return ChunkResult(restored, rejects, read, posts, size, truncated)


def build_result(outcomes: Iterable[list[Record] | Reject], edge: EdgeProcessor) -> ChunkResult:
    result = ChunkResult()
    truncated_before = edge.truncated
    by_type: dict[RecordType, list[Record]] = {Post: [], User: [], Interaction: []}
    for outcome in outcomes:
        result.read += 1
        if isinstance(outcome, Reject):
            result.rejects.append(outcome)
            continue
        for record in edge.process(outcome):
            by_type[type(record)].append(record)
    # An author of many posts in one chunk needs one User row, not one per post.
    by_type[User] = list({(u.platform, u.id): u for u in by_type[User]}.values())  # type: ignore[union-attr]
    result.posts = len(by_type[Post])
    result.truncated = edge.truncated - truncated_before
    result.tables = {t.table: records_to_table(t, records) for t, records in by_type.items() if records}
    return result


def process_lines(importer: Importer, edge: EdgeProcessor, path: str, lines: list[tuple[int, bytes]]) -> ChunkResult:
    return build_result(importer.read_lines(lines, path), resident(edge))


def resident(edge: EdgeProcessor) -> EdgeProcessor:
    """The processor this process already holds with the same settings as ``edge``, warm caches and all."""
    key = edge.settings_key()
    if key not in _RESIDENT and len(_RESIDENT) >= 4:  # a long-lived process may see many keys
        _RESIDENT.clear()
    return _RESIDENT.setdefault(key, edge)


def line_chunks(source: Source, size: int = CHUNK_LINES) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    try:
        for item in source.lines():
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except InputFileError:
        if chunk:  # the lines before a truncation are good: hand them on, then the error
            yield chunk
        raise
    if chunk:
        yield chunk


def document_chunks(
    source: Source, importer: Importer, edge: EdgeProcessor, size: int = CHUNK_LINES
) -> Iterator[ChunkResult]:
    """In-process chunks for formats read as whole documents (or with their own ``iter_raw``)."""
    pending: list[list[Record] | Reject] = []
    for item in importer.read(source):
        pending.append(item if isinstance(item, Reject) else item[1])
        if len(pending) >= size:
            yield build_result(pending, edge)
            pending = []
    if pending:
        yield build_result(pending, edge)
