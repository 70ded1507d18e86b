"""The embedded store: one DuckDB file, one writing process at a time, versioned schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from socialens.errors import StoreBusyError, StoreError, StoreVersionError
from socialens.schema import RECORD_TYPES, Interaction, Record, RecordType, field_names
from socialens.store.arrow import records_to_table, table_to_records
from socialens.store.derived import IMPLIED_INTERACTIONS_SQL
from socialens.store.migrations import KEYS, MIGRATIONS, RESULT_TABLES, SCHEMA_VERSION

RECORD_TABLES = {t.table: t for t in RECORD_TYPES}
META_FILE = "socialens-meta.json"
BULK_CHECKPOINT = "64MB"
# DuckDB's rows per row group (a test checks it): a transaction appending whole ones writes
# them to the file compressed, once, instead of through the write-ahead log.
ROW_GROUP_ROWS = 122_880


@dataclass(slots=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


class Store:
    """A socialens store in a DuckDB file.

    Opening for writing takes DuckDB's file lock; a second writer gets ``StoreBusyError``.
    Every write happens inside a transaction, so a killed process leaves the last committed
    batch and nothing half-written.
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._types: dict[str, dict[str, str]] = {}
        # Statements that narrow posts/interactions to a selection (store.selection.scoped);
        # replayed on every cursor, since DuckDB's temporary views belong to one connection.
        self.scope_sql: list[str] = []
        self._transaction_depth = 0
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; create one with 'socialens ingest' or 'socialens demo'")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                from socialens.store.holder import read_holder

                raise StoreBusyError(self.path, read_holder(self.path)) from None
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a readable socialens store: {exc}") from exc
        # DuckDB draws a progress bar on stdout for any query over 2 s (under load, a routine
        # one): it would corrupt ``--json`` output and pipes. Not printing holds even where a
        # setting turns the bar back on (``SET progress_bar_time`` does).
        self.con.execute(
            "SET enable_progress_bar = false; SET enable_progress_bar_print = false; "
            "SET preserve_insertion_order = false"
        )
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
        other.path, other.read_only, other._types, other.scope_sql = self.path, True, {}, []
        other._transaction_depth = 0
        other.con = self.con.cursor()
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

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction; opened inside another, it joins it (commits or rolls back with the
        outer one), so a runner can write several result tables all at once or not at all."""
        if self._transaction_depth:
            self._transaction_depth += 1
            try:
                yield self.con
            finally:
                self._transaction_depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._transaction_depth = 1
        try:
            yield self.con
        except BaseException:
            self._transaction_depth = 0
            self.con.execute("ROLLBACK")
            raise
        self._transaction_depth = 0
        self.con.execute("COMMIT")

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
        if data.num_rows == 0:
            return UpsertCounts()
        self.con.register("_stage_input", data.append_column("_n", pa.array(range(data.num_rows), pa.int64())))
        try:
            return self._upsert_from(
                "_stage_input", table, [c for c in field_names(RECORD_TABLES[table]) if c in data.schema.names]
            )
        finally:
            # After a failed statement DuckDB refuses everything until the rollback, this too;
            # the error that caused it is the one to report.
            with suppress(duckdb.Error):
                self.con.unregister("_stage_input")

    def _upsert_from(self, source: str, table: str, columns: list[str]) -> UpsertCounts:
        """Upsert rows of relation ``source`` (the columns given, plus an ordinal ``_n``)."""
        keys = KEYS[table]
        values = [c for c in columns if c not in keys]
        latest = self._latest(source, keys, values)
        # Most batches of a first ingest hold no stored key: checking that reads only the key
        # columns of the table, where merging with stored rows would read every column.
        types = self._column_types(table)
        typed = ", ".join(f"CAST(s.{c} AS {types[c]}) AS {c}" for c in [*keys, *values])
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _stage AS
            SELECT *, hash({", ".join(values)}) AS row_hash FROM (SELECT {typed} FROM ({latest}) s)"""
        )
        on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        found = self.one(f"SELECT count(*), (SELECT count(*) FROM _stage s SEMI JOIN {table} t ON {on}) FROM _stage")
        assert found is not None
        total, existing = int(found[0]), int(found[1])
        if existing == 0:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _stage")
            return UpsertCounts(new=total)
        return self._merge_staged(table, keys, values)

    def _merge_staged(self, table: str, keys: tuple[str, ...], values: list[str]) -> UpsertCounts:
        """Upsert ``_stage`` where some keys are stored: empty fields keep stored values, changed
        rows update. ``_stage`` then holds the merged rows (what derived records are made from)."""
        on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        merged = ", ".join([*(f"s.{k}" for k in keys), *(f"coalesce(s.{c}, t.{c}) AS {c}" for c in values)])
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _merged AS
            SELECT *, hash({", ".join(values)}) AS row_hash FROM (
                SELECT {merged}, t.row_hash AS _old_hash, t.{keys[0]} IS NOT NULL AS _existed
                FROM _stage s
                LEFT JOIN {table} t ON {on})"""
        )
        self.con.execute("DROP TABLE _stage; ALTER TABLE _merged RENAME TO _stage")
        found = self.one(
            """SELECT count(*), count(*) FILTER (WHERE _existed),
                      count(*) FILTER (WHERE _existed AND _old_hash IS DISTINCT FROM row_hash)
               FROM _stage"""
        )
        assert found is not None
        total, existing, changed = (int(x) for x in found)
        rows = "SELECT * EXCLUDE (_old_hash, _existed) FROM _stage"
        if changed or total > existing:
            assignments = ", ".join(f"{c} = excluded.{c}" for c in [*values, "row_hash"])
            self.con.execute(
                f"""INSERT INTO {table} BY NAME {rows}
                WHERE NOT _existed OR _old_hash IS DISTINCT FROM row_hash
                ON CONFLICT DO UPDATE SET {assignments}, ingested_at = current_localtimestamp()"""
            )
        return UpsertCounts(new=total - existing, updated=changed, unchanged=existing - changed)

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND NOT internal",
                [table],
            ).fetchall()
            self._types[table] = {name: kind for name, kind in rows}
        return self._types[table]

    def _latest(self, source: str, keys: tuple[str, ...], values: list[str]) -> str:
        """SQL for one row per key out of the staged batch: the latest value of each field,
        where an empty (NULL) field falls back on an earlier version of the same record."""
        group = ", ".join(keys)
        duplicated = self.one(f"SELECT count(*) > count(DISTINCT ({group})) FROM {source}")
        if not duplicated or not duplicated[0]:
            return f"SELECT * FROM {source}"
        latest = ", ".join(f"arg_max({c}, _n) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in values)
        return f"SELECT {group}, {latest} FROM {source} GROUP BY {group}"

    def write_records(self, records_by_type: dict[RecordType, list[Record]]) -> dict[str, UpsertCounts]:
        """Upsert lists of records, all tables in one transaction."""
        return self.write_tables(
            {t.table: records_to_table(t, records) for t, records in records_by_type.items() if records}
        )

    @contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """Settings for a long run of batch writes (an ingest), restored afterwards.

        One DuckDB thread: the ingest's worker processes already use every core, and
        batches this size gain nothing from parallel plans. Fewer checkpoints: each one
        compresses the table's last, growing row group again (the WAL keeps every commit
        durable in between; at most ``BULK_CHECKPOINT`` of it is replayed after a crash).
        """
        names = ("threads", "checkpoint_threshold")
        saved = self.one("SELECT current_setting('threads'), current_setting('checkpoint_threshold')")
        assert saved is not None
        self.con.execute(f"SET threads = 1; SET checkpoint_threshold = '{BULK_CHECKPOINT}'")
        try:
            yield
        finally:
            for name, value in zip(names, saved, strict=True):
                self.con.execute(f"SET {name} = '{value}'")

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
        return self._upsert_from("_implied", "interactions", field_names(Interaction))

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
        self._check_table(table, results=True)
        row = self.one(f"SELECT count(*) FROM {table}")
        return int(row[0]) if row else 0

    def iter_batches(self, table: str, batch_size: int = 10_000) -> Iterator[pa.RecordBatch]:
        """A table as Arrow record batches, in key order (deterministic), with bounded memory."""
        self._check_table(table)
        columns = ", ".join(field_names(RECORD_TABLES[table]))
        order = ", ".join(KEYS[table])
        reader = self.con.sql(f"SELECT {columns} FROM {table} ORDER BY {order}").to_arrow_reader(batch_size)
        yield from reader

    def iter_records(self, table: str, batch_size: int = 10_000) -> Iterator[list[Record]]:
        """Canonical records in batches: what analyses consume."""
        record_type = RECORD_TABLES[table]
        for batch in self.iter_batches(table, batch_size):
            yield list(table_to_records(record_type, batch))

    def _check_table(self, table: str, results: bool = False) -> None:
        known = [*KEYS, "ingests", *(RESULT_TABLES if results else ())]
        if table not in known:
            raise StoreError(f"unknown table {table!r}; tables: {', '.join(known)}")

    # -- Parquet ----------------------------------------------------------------
    def export_parquet(self, directory: Path, tables: list[str] | None = None) -> dict[str, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        for table in tables or [*KEYS, "ingests", *RESULT_TABLES]:
            self._check_table(table, results=True)
            target = directory / f"{table}.parquet"
            self.con.execute(f"COPY (SELECT * FROM {table}) TO '{_quote(target)}' (FORMAT parquet)")
            written[table] = target
        # Whose pseudonyms (or raw identifiers) these are travels with the tables.
        (directory / META_FILE).write_text(orjson.dumps({"identity_mode": self.get_meta("identity_mode")}).decode())
        return written

    def import_parquet(self, directory: Path) -> dict[str, UpsertCounts]:
        """Upsert every ``<table>.parquet`` found in ``directory`` (all in one transaction)."""
        import pyarrow.parquet as pq

        counts: dict[str, UpsertCounts] = {}
        files = {t: directory / f"{t}.parquet" for t in KEYS if (directory / f"{t}.parquet").exists()}
        if not files:
            raise StoreError(f"{directory}: no posts/users/interactions .parquet files to import")
        source_mode = _exported_identity_mode(directory)
        mode = self.get_meta("identity_mode")
        if source_mode and mode and source_mode != mode:
            raise StoreError(
                f"{directory} holds {_describe_mode(source_mode)}, {self.path} holds {_describe_mode(mode)}; "
                "they cannot be mixed in one store"
            )
        with self.transaction():
            if source_mode and not mode:
                self.set_meta("identity_mode", source_mode)
            for table, path in files.items():
                wanted = field_names(RECORD_TABLES[table])
                data = pq.read_table(path)
                missing = [c for c in KEYS[table] if c not in data.schema.names]
                if missing:
                    raise StoreError(f"{path}: missing key column(s) {missing}")
                counts[table] = self.upsert(table, data.select([c for c in wanted if c in data.schema.names]))
            for table in RESULT_TABLES:
                if (directory / f"{table}.parquet").exists():
                    # Analysis results travel with their posts and users; the exported row wins.
                    source = _quote(directory / f"{table}.parquet")
                    # By name: an export from before a column was added still imports.
                    self.con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM read_parquet('{source}')")
        return counts


def _exported_identity_mode(directory: Path) -> str | None:
    meta = directory / META_FILE
    if not meta.exists():
        raise StoreError(
            f"{directory}: no {META_FILE}, so it cannot tell whether the tables hold raw identifiers "
            "or which key's pseudonyms; export them with 'socialens export'"
        )
    mode = orjson.loads(meta.read_bytes()).get("identity_mode")
    return str(mode) if mode else None


def _describe_mode(mode: str) -> str:
    return "raw identifiers" if mode == "raw" else f"pseudonyms from key {mode}"


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
