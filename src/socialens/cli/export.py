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
    open_store,
    resolve_config,
    store_path,
)


@guarded
def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder for <table>.parquet files.")],
    table: Annotated[list[str] | None, typer.Option("--table", "-t", help="Only these tables (repeat).")] = None,
    k_anonymous: Annotated[
        int | None,
        typer.Option(
            "--k-anonymous",
            help="Write posts only, k-anonymous: each row shares its quasi-identifiers with k-1 others.",
        ),
    ] = None,
    quasi: Annotated[
        str | None, typer.Option("--quasi", help="With --k-anonymous: quasi-identifier columns, comma-separated.")
    ] = None,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Write every table (or the ones named) as Parquet; or, with --k-anonymous K, a k-anonymous posts table."""
    from socialens.store import Store

    path = store_path(store, resolve_config(config))
    if k_anonymous is not None:
        _export_k_anonymous(path, directory, k_anonymous, quasi, json)
        return
    with Store(path, read_only=True) as db:
        written = db.export_parquet(directory, table or None)
        result = {name: {"path": str(path), "rows": db.count(name)} for name, path in written.items()}
    if json:
        emit_json(result)
    else:
        for name, info in result.items():
            console.print(f"{name}: {info['rows']:,} rows -> {info['path']}")


def _export_k_anonymous(path: Path, directory: Path, k: int, quasi: str | None, json: bool) -> None:
    from socialens.privacy.kanon import export_k_anonymous, parse_quasi
    from socialens.store import Store

    columns = parse_quasi(quasi)
    with Store(path, read_only=True) as db:
        result = export_k_anonymous(db, directory, k, columns).as_dict()
    if json:
        emit_json(result)
        return
    console.print(
        f"posts: {result['records_out']:,} of {result['records_in']:,} rows -> {result['path']} "
        f"(k={k}; {result['suppressed']:,} suppressed; smallest group {result['smallest_group']})",
        highlight=False,
    )
    console.print("generalised: " + ", ".join(f"{c} to {lvl}" for c, lvl in result["levels"].items()), highlight=False)


@guarded
def import_command(
    directory: Annotated[Path, typer.Argument(help="Folder with posts/users/interactions .parquet files.")],
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Upsert tables exported by 'socialens export' (from this or another store) into the store."""

    with open_store(store, config) as (db, _):
        counts = db.import_parquet(directory)
    result = {t: {"new": c.new, "updated": c.updated, "unchanged": c.unchanged} for t, c in counts.items()}
    if json:
        emit_json(result)
    else:
        for name, c in result.items():
            console.print(f"{name}: {c['new']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged")
