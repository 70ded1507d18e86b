"""``socialens stats``: what the store holds."""

from __future__ import annotations

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
)


@guarded
def stats_command(store: StoreOption = None, config: ConfigOption = None, json: JsonOption = False) -> None:
    """Counts, time span, platforms, languages and ingest history of the store."""
    from socialens.store.stats import store_stats

    with open_store(store, config, read_only=True) as (db, _):
        stats = store_stats(db)
    if json:
        emit_json(stats)
        return
    from rich.table import Table

    table = Table(title=f"socialens store {stats['store']}", show_header=False)
    for name, count in stats["counts"].items():
        table.add_row(name, f"{count:,}")
    table.add_row("time span", f"{stats['first_post']} .. {stats['last_post']}")
    table.add_row("platforms", ", ".join(f"{k} {v:,}" for k, v in stats["platforms"].items()))
    table.add_row("languages", ", ".join(f"{k} {v:,}" for k, v in stats["languages"].items()))
    table.add_row("interactions", ", ".join(f"{k} {v:,}" for k, v in stats["interaction_kinds"].items()))
    table.add_row(
        "identities", "raw" if stats["identity_mode"] == "raw" else f"pseudonymised ({stats['identity_mode']})"
    )
    table.add_row(
        "ingests",
        f"{stats['ingest_runs']} runs, {stats['records_read']:,} read, {stats['records_rejected']:,} rejected",
    )
    for key, pin in stats["model_pins"].items():
        table.add_row(f"pinned {key}", f"{pin} (socialens models unpin {key} --store ... undoes it)")
    for task, models in stats["models"].items():
        table.add_row(f"{task} models", ", ".join(f"{name} ({n:,} posts)" for name, n in models.items()))
    console.print(table)
