"""``socialens report``: a self-contained HTML report of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import (
    AuthorOption,
    ConfigOption,
    JsonOption,
    LangOption,
    PlatformOption,
    QueryOption,
    SinceOption,
    StoreOption,
    UntilOption,
    console,
    emit_json,
    guarded,
    resolve_config,
    selection_from,
    store_path,
)


@guarded
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("socialens-report.html"),
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    lang: LangOption = None,
    author: AuthorOption = None,
    query: QueryOption = None,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Write the HTML report (plots inline, no network needed to view it) of the store or the selected posts."""
    from socialens.report import write_report
    from socialens.report.sections import build_views, view_caveats
    from socialens.store import Store

    cfg = resolve_config(config)
    with Store(store_path(store, cfg), read_only=True) as db:
        selection = selection_from(db, cfg, since, until, platform, lang, author, query)
        path = write_report(db, out, selection=selection)
        views = build_views(db, selection) if json else {}
    if json:
        # The data of every section (what the API serves), with each section's caveats up front.
        emit_json({"report": str(path), "caveats": view_caveats(views), "views": views})
    else:
        console.print(f"report written: {path}")
