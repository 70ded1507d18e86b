"""The store's DuckDB connection: opening the file (one writer at a time, by DuckDB's file lock),
nested transactions, and the settings of a long run of batch writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from socialens.errors import StoreBusyError, StoreError

BULK_CHECKPOINT = "64MB"


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection to the store file; a second writer gets ``StoreBusyError`` naming the holder."""
    if read_only and not path.exists():
        raise StoreError(f"no store at {path}; create one with 'socialens ingest' or 'socialens demo'")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            from socialens.store.holder import read_holder

            raise StoreBusyError(path, read_holder(path)) from None
        raise StoreError(f"{path}: cannot open the store: {exc}") from exc
    except duckdb.Error as exc:
        raise StoreError(f"{path}: not a readable socialens store: {exc}") from exc
    # DuckDB draws a progress bar on stdout for any query over 2 s (under load, a routine
    # one): it would corrupt ``--json`` output and pipes. Not printing holds even where a
    # setting turns the bar back on (``SET progress_bar_time`` does).
    con.execute(
        "SET enable_progress_bar = false; SET enable_progress_bar_print = false; SET preserve_insertion_order = false"
    )
    return con


class Transactions:
    """Transactions on one connection; one opened inside another joins it (commits or rolls back
    with the outer one), so a runner can write several result tables all at once or not at all."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.depth = 0

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.depth:
            self.depth += 1
            try:
                yield self.con
            finally:
                self.depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self.depth = 1
        try:
            yield self.con
        except BaseException:
            self.depth = 0
            self.con.execute("ROLLBACK")
            raise
        self.depth = 0
        self.con.execute("COMMIT")


@contextmanager
def bulk_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Settings for a long run of batch writes (an ingest), restored afterwards.

    One DuckDB thread: the ingest's worker processes already use every core, and
    batches this size gain nothing from parallel plans. Fewer checkpoints: each one
    compresses the table's last, growing row group again (the WAL keeps every commit
    durable in between; at most ``BULK_CHECKPOINT`` of it is replayed after a crash).
    """
    names = ("threads", "checkpoint_threshold")
    saved = con.execute("SELECT current_setting('threads'), current_setting('checkpoint_threshold')").fetchall()[0]
    assert saved is not None
    con.execute(f"SET threads = 1; SET checkpoint_threshold = '{BULK_CHECKPOINT}'")
    try:
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            con.execute(f"SET {name} = '{value}'")
