"""The embedded store (DuckDB file + Parquet). The only SQL in socialens lives in this package."""

from __future__ import annotations

from socialens.store.duckdb_store import ROW_GROUP_ROWS, Store, UpsertCounts

__all__ = ["ROW_GROUP_ROWS", "Store", "UpsertCounts"]
