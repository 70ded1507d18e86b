"""``socialens export`` and ``socialens import``: every table to and from Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    resolve_config,
    store_path,
)


@guarded
def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder for <table>.parquet files.")],
    table: Annotated[list[str] | None, typer.Option("--table", "-t", help="Only these tables (repeat).")] = None,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Write every table (or the ones named) as Parquet."""
    from socialens.store import Store

    with Store(store_path(store, resolve_config(config)), read_only=True) as db:
        written = db.export_parquet(directory, table or None)
        result = {name: {"path": str(path), "rows": db.count(name)} for name, path in written.items()}
    if json:
        emit_json(result)
    else:
        for name, info in result.items():
            console.print(f"{name}: {info['rows']:,} rows -> {info['path']}")


@guarded
def import_command(
    directory: Annotated[Path, typer.Argument(help="Folder with posts/users/interactions .parquet files.")],
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Upsert tables exported by 'socialens export' (from this or another store) into the store."""
    from socialens.store import Store

    with Store(store_path(store, resolve_config(config))) as db:
        counts = db.import_parquet(directory)
    result = {t: {"new": c.new, "updated": c.updated, "unchanged": c.unchanged} for t, c in counts.items()}
    if json:
        emit_json(result)
    else:
        for name, c in result.items():
            console.print(f"{name}: {c['new']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged")
