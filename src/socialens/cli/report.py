"""``socialens report``: a self-contained HTML report of the store."""

from __future__ import annotations

from pathlib import Path
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
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("socialens-report.html"),
    filters: Filters = Filters(),
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Write the HTML report (plots inline, no network needed to view it) of the store or the selected posts."""
    from socialens.report import write_report
    from socialens.report.sections import build_views, view_caveats

    with open_store(store, config, read_only=True) as (db, cfg):
        selection = filters.selection(db, cfg)
        path = write_report(db, out, selection=selection)
        views = build_views(db, selection) if json else {}
    if json:
        # The data of every section (what the API serves), with each section's caveats up front.
        emit_json({"report": str(path), "caveats": view_caveats(views), "views": views})
    else:
        console.print(f"report written: {path}")
