"""Writing an ingest's batches: on a background thread, posts committed in whole row groups."""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from socialens.store import ROW_GROUP_ROWS, Store, UpsertCounts

if TYPE_CHECKING:
    from socialens.ingest.chunks import ChunkResult
    from socialens.ingest.summary import FileResult


class BatchWriter:
    """Writes batches on a background thread, in order, so parsing goes on while DuckDB writes.

    DuckDB releases the GIL while it works, so the reading thread keeps the worker processes
    fed instead of leaving them idle during each commit. At most one batch waits, so a batch
    is committed before the one after next is read. Leaving the ``with`` block writes
    everything submitted, then re-raises the first write error.

    A batch holding at least ``align`` posts commits a whole multiple of them and carries the
    rest into the next commit: DuckDB writes whole row groups of a large transaction straight
    to the file, compressed once, where a partial one goes through the write-ahead log and is
    recompressed at every checkpoint that follows (measured on 1M posts: a quarter less writer
    CPU per post, a sixth smaller file, ~180 MB less peak memory; ``benchmarks/speed/store_writes.py``).
    Every commit still holds whole records; the carried posts are committed, in order, before
    anything read after them.
    """

    def __init__(self, store: Store, result: FileResult, align: int = ROW_GROUP_ROWS) -> None:
        self.store = store
        self.result = result
        self.align = align
        self._carry: pa.Table | None = None  # posts held back for the next commit
        self._queue: queue.Queue[list[ChunkResult] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="socialens-writer", daemon=True)

    def __enter__(self) -> BatchWriter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:  # a failed write matters more than why reading stopped
            raise self._error

    def submit(self, chunks: list[ChunkResult]) -> None:
        if self._error is not None:
            raise self._error
        if chunks:
            self._queue.put(chunks)

    def _run(self) -> None:
        while (chunks := self._queue.get()) is not None:
            self._guarded(_merge(chunks), final=False)
        if self._carry is not None:
            carry, self._carry = self._carry, None
            self._guarded({"posts": carry}, final=True)

    def _guarded(self, tables: dict[str, pa.Table], final: bool) -> None:
        if self._error is None:  # after a failure, drain without writing
            try:
                self._write(tables, final)
            except BaseException as exc:  # handed to the reading thread
                self._error = exc

    def _write(self, tables: dict[str, pa.Table], final: bool) -> None:
        """One transaction for what is committed now: the store never holds half a record."""
        posts = tables.get("posts")
        if self._carry is not None:
            posts = self._carry if posts is None else pa.concat_tables([self._carry, posts], promote_options="default")
            self._carry = None
        if posts is not None:
            if not final:
                posts, self._carry = whole_groups(posts, self.align)
            tables["posts"] = posts
        if not tables:
            return
        interactions = tables.get("interactions")
        if interactions is not None and interactions.num_rows:
            # the store keeps one row per id: repeats of an event (same actor, kind, target, time)
            self.result.duplicates += interactions.num_rows - pc.count_distinct(interactions["id"]).as_py()
        for table, counts in self.store.write_tables(tables).items():
            self.result.counts.setdefault(table, UpsertCounts())
            self.result.counts[table] += counts


def whole_groups(table: pa.Table, size: int) -> tuple[pa.Table, pa.Table | None]:
    """The first whole multiple of ``size`` rows and the rest; all of a table under ``size``."""
    whole = table.num_rows - table.num_rows % size
    if whole == 0 or whole == table.num_rows:
        return table, None
    return table.slice(0, whole), table.slice(whole)


def _merge(chunks: list[ChunkResult]) -> dict[str, pa.Table]:
    tables: dict[str, list[pa.Table]] = {}
    for chunk in chunks:
        for name, table in chunk.tables.items():
            tables.setdefault(name, []).append(table)
    return {name: pa.concat_tables(parts) for name, parts in tables.items()}
