"""Every table to and from Parquet (``socialens export`` / ``socialens import``), with whose
pseudonyms the tables hold travelling beside them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from socialens.errors import StoreError
from socialens.schema import field_names
from socialens.store.migrations import KEYS, RESULT_TABLES
from socialens.store.upsert import RECORD_TABLES, UpsertCounts

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

META_FILE = "socialens-meta.json"


def check_table(table: str, results: bool = False) -> None:
    """A record table or the ingest history (``results``: or an analysis result table), else a StoreError."""
    known = [*KEYS, "ingests", *(RESULT_TABLES if results else ())]
    if table not in known:
        raise StoreError(f"unknown table {table!r}; tables: {', '.join(known)}")


def export_parquet(store: Store, directory: Path, tables: list[str] | None = None) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for table in tables or [*KEYS, "ingests", *RESULT_TABLES]:
        check_table(table, results=True)
        target = directory / f"{table}.parquet"
        store.con.execute(f"COPY (SELECT * FROM {table}) TO '{_quote(target)}' (FORMAT parquet)")
        written[table] = target
    # Whose pseudonyms (or raw identifiers) these are travels with the tables.
    (directory / META_FILE).write_text(orjson.dumps({"identity_mode": store.get_meta("identity_mode")}).decode())
    return written


def import_parquet(store: Store, directory: Path) -> dict[str, UpsertCounts]:
    """Upsert every ``<table>.parquet`` found in ``directory`` (all in one transaction)."""
    import pyarrow.parquet as pq

    counts: dict[str, UpsertCounts] = {}
    files = {t: directory / f"{t}.parquet" for t in KEYS if (directory / f"{t}.parquet").exists()}
    if not files:
        raise StoreError(f"{directory}: no posts/users/interactions .parquet files to import")
    source_mode = _exported_identity_mode(directory)
    mode = store.get_meta("identity_mode")
    if source_mode and mode and source_mode != mode:
        raise StoreError(
            f"{directory} holds {_describe_mode(source_mode)}, {store.path} holds {_describe_mode(mode)}; "
            "they cannot be mixed in one store"
        )
    with store.transaction():
        if source_mode and not mode:
            store.set_meta("identity_mode", source_mode)
        for table, path in files.items():
            wanted = field_names(RECORD_TABLES[table])
            data = pq.read_table(path)
            missing = [c for c in KEYS[table] if c not in data.schema.names]
            if missing:
                raise StoreError(f"{path}: missing key column(s) {missing}")
            counts[table] = store.upsert(table, data.select([c for c in wanted if c in data.schema.names]))
        for table in RESULT_TABLES:
            if (directory / f"{table}.parquet").exists():
                # Analysis results travel with their posts and users; the exported row wins.
                source = _quote(directory / f"{table}.parquet")
                # By name: an export from before a column was added still imports.
                store.con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM read_parquet('{source}')")
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
