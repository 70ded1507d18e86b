"""Upserts into the record tables: new rows in, changed rows updated, identical rows left alone,
an empty field keeping its stored value."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from socialens.schema import RECORD_TYPES, field_names
from socialens.store.migrations import KEYS

RECORD_TABLES = {t.table: t for t in RECORD_TYPES}


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


class Upserter:
    """Upserts over one connection (call inside a transaction); remembers each table's column types."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._types: dict[str, dict[str, str]] = {}

    def one(self, sql: str) -> tuple[Any, ...] | None:
        rows = self.con.execute(sql).fetchall()
        return rows[0] if rows else None

    def upsert(self, table: str, data: pa.Table) -> UpsertCounts:
        """Upsert an Arrow table into ``table`` (see :meth:`socialens.store.Store.upsert`)."""
        if data.num_rows == 0:
            return UpsertCounts()
        self.con.register("_stage_input", data.append_column("_n", pa.array(range(data.num_rows), pa.int64())))
        try:
            return self.upsert_from(
                "_stage_input", table, [c for c in field_names(RECORD_TABLES[table]) if c in data.schema.names]
            )
        finally:
            # After a failed statement DuckDB refuses everything until the rollback, this too;
            # the error that caused it is the one to report.
            with suppress(duckdb.Error):
                self.con.unregister("_stage_input")

    def upsert_from(self, source: str, table: str, columns: list[str]) -> UpsertCounts:
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
