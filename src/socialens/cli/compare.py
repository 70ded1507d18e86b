"""``socialens compare @united @Delta``: share of voice of brands or accounts, over time, with sentiment."""

from __future__ import annotations

from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    Filters,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
    with_filters,
)


@guarded
@with_filters
def compare_command(
    brands: Annotated[list[str] | None, typer.Argument(help="@handles or names; default: [compare] brands.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="day, week, month or year (default: by the span).")] = None,
    store: StoreOption = None,
    filters: Filters = Filters(),
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Mentions of each brand or account over time and their sentiment (needs `socialens analyze entities`)."""
    from socialens.analyses.entities.share_of_voice import compare

    with open_store(store, config) as (db, cfg):
        selection = filters.selection(db, cfg)
        view = compare(db, list(brands or cfg.compare_brands), selection, cfg.privacy, unit)
    if json:
        emit_json(view.as_dict())
        return
    for b in view.brands:
        net = "-" if b.net is None else f"{b.net:+.2f}"
        console.print(
            f"{b.brand}: {b.mentions:,} mentions ({b.share}%), positive {b.positive}, neutral {b.neutral}, "
            f"negative {b.negative}, net {net}",
            highlight=False,
        )
    if view.note:
        console.print(view.note, highlight=False)


COMMANDS = {"compare": compare_command}
