"""The embedded store: one DuckDB file, one writing process at a time, versioned schema.

Opening and transactions live in ``store.connection``, the upsert in ``store.upsert``, Parquet
export and import in ``store.parquet``; :class:`Store` is their one face.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from socialens.errors import StoreVersionError
from socialens.schema import Interaction, Record, RecordType, field_names
from socialens.store.arrow import records_to_table, table_to_records
from socialens.store.connection import BULK_CHECKPOINT, Transactions, bulk_settings, connect
from socialens.store.derived import IMPLIED_INTERACTIONS_SQL
from socialens.store.migrations import KEYS, MIGRATIONS, SCHEMA_VERSION
from socialens.store.parquet import META_FILE, check_table, export_parquet, import_parquet
from socialens.store.upsert import RECORD_TABLES, UpsertCounts, Upserter

__all__ = ["BULK_CHECKPOINT", "META_FILE", "RECORD_TABLES", "ROW_GROUP_ROWS", "Store", "UpsertCounts"]

# DuckDB's rows per row group (a test checks it): a transaction appending whole ones writes
# them to the file compressed, once, instead of through the write-ahead log.
ROW_GROUP_ROWS = 122_880


class Store:
    """A socialens store in a DuckDB file.

    Opening for writing takes DuckDB's file lock; a second writer gets ``StoreBusyError``.
    Every write happens inside a transaction, so a killed process leaves the last committed
    batch and nothing half-written.
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # Statements that narrow posts/interactions to a selection (store.selection.scoped);
        # replayed on every cursor, since DuckDB's temporary views belong to one connection.
        self.scope_sql: list[str] = []
        self.con = connect(self.path, read_only)
        self._transactions = Transactions(self.con)
        self._upserter = Upserter(self.con)
        if not read_only:
            self._migrate()
        elif self.schema_version() != SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path}: store schema v{self.schema_version()}, this socialens expects "
                f"v{SCHEMA_VERSION}; open it once for writing (e.g. 'socialens stats') to migrate"
            )

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own (to read while the main one writes) that sees the open selection."""
        cursor = self.con.cursor()
        for statement in self.scope_sql:
            cursor.execute(statement)
        return cursor

    def reader(self) -> Store:
        """A read handle on the same database through a connection of its own: it reads a
        consistent snapshot while this one writes, and is used from one other thread."""
        other = object.__new__(Store)
        other.path, other.read_only, other.scope_sql = self.path, True, []
        other.con = self.con.cursor()
        other._transactions, other._upserter = Transactions(other.con), Upserter(other.con)
        return other

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.one("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'")
        if not exists or not exists[0]:
            return 0
        row = self.one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path}: store schema v{current} is newer than this socialens "
                f"(v{SCHEMA_VERSION}); upgrade socialens"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in MIGRATIONS[version - 1]:
                    self.con.execute(statement)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])

    def one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query (the result is read to the end, as DuckDB requires)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """One transaction; opened inside another, it joins it (commits or rolls back with the
        outer one), so a runner can write several result tables all at once or not at all."""
        return self._transactions.transaction()

    # -- metadata ---------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", [key])
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # -- writing ----------------------------------------------------------------
    def upsert(self, table: str, data: pa.Table) -> UpsertCounts:
        """Insert new rows, update changed ones, leave identical ones alone (call in a transaction).

        A field the new version leaves empty (NULL) keeps its stored value: exports of the same
        post differ in what they carry (a REST snapshot without reply counts, a stream event
        with them), and alternating between them must not flip the row back and forth.
        Within one batch the same rule holds: the latest non-empty value of each field wins.
        """
        return self._upserter.upsert(table, data)

    def write_records(self, records_by_type: dict[RecordType, list[Record]]) -> dict[str, UpsertCounts]:
        """Upsert lists of records, all tables in one transaction."""
        return self.write_tables(
            {t.table: records_to_table(t, records) for t, records in records_by_type.items() if records}
        )

    def bulk_writing(self) -> AbstractContextManager[None]:
        """Settings for a long run of batch writes (an ingest), restored afterwards (``store.connection``)."""
        return bulk_settings(self.con)

    def write_tables(self, tables: dict[str, pa.Table]) -> dict[str, UpsertCounts]:
        """Upsert Arrow tables (columns as in ``socialens.store.arrow``), all in one transaction."""
        counts: dict[str, UpsertCounts] = {}
        with self.transaction():
            for table, data in tables.items():
                counts.setdefault(table, UpsertCounts())
                counts[table] += self.upsert(table, data)
                if table == "posts" and data.num_rows:
                    counts.setdefault("interactions", UpsertCounts())
                    counts["interactions"] += self._upsert_implied_interactions()
        return counts

    def _upsert_implied_interactions(self) -> UpsertCounts:
        """Reply, repost, quote and mention interactions implied by the posts just staged.

        Derived here, in one vectorised statement, rather than record by record: every post
        source gets them the same way, and their ids match ``arrow.interaction_id``.
        """
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _implied AS {IMPLIED_INTERACTIONS_SQL}")
        return self._upserter.upsert_from("_implied", "interactions", field_names(Interaction))

    def log_ingest(self, row: dict[str, Any]) -> None:
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.con.execute(f"INSERT INTO ingests ({names}) VALUES ({marks})", list(row.values()))

    def update_ingest(self, match: dict[str, Any], row: dict[str, Any]) -> None:
        """Set ``row``'s columns in the ingest history rows whose columns equal ``match``'s values."""
        assignments = ", ".join(f"{name} = ?" for name in row)
        where = " AND ".join(f"{name} = ?" for name in match)
        self.con.execute(f"UPDATE ingests SET {assignments} WHERE {where}", [*row.values(), *match.values()])

    # -- reading ----------------------------------------------------------------
    def count(self, table: str) -> int:
        check_table(table, results=True)
        row = self.one(f"SELECT count(*) FROM {table}")
        return int(row[0]) if row else 0

    def iter_batches(self, table: str, batch_size: int = 10_000) -> Iterator[pa.RecordBatch]:
        """A table as Arrow record batches, in key order (deterministic), with bounded memory."""
        check_table(table)
        columns = ", ".join(field_names(RECORD_TABLES[table]))
        order = ", ".join(KEYS[table])
        reader = self.con.sql(f"SELECT {columns} FROM {table} ORDER BY {order}").to_arrow_reader(batch_size)
        yield from reader

    def iter_records(self, table: str, batch_size: int = 10_000) -> Iterator[list[Record]]:
        """Canonical records in batches: what analyses consume."""
        record_type = RECORD_TABLES[table]
        for batch in self.iter_batches(table, batch_size):
            yield list(table_to_records(record_type, batch))

    # -- Parquet ----------------------------------------------------------------
    def export_parquet(self, directory: Path, tables: list[str] | None = None) -> dict[str, Path]:
        """Every table (or those named) as ``<table>.parquet`` in ``directory``, with whose identifiers they hold."""
        return export_parquet(self, directory, tables)

    def import_parquet(self, directory: Path) -> dict[str, UpsertCounts]:
        """Upsert every ``<table>.parquet`` found in ``directory`` (all in one transaction)."""
        return import_parquet(self, directory)
