"""``socialens report``: a self-contained HTML report of the store."""

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
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("socialens-report.html"),
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Write the HTML report (plots inline, no network needed to view it)."""
    from socialens.report import write_report
    from socialens.store import Store

    with Store(store_path(store, resolve_config(config)), read_only=True) as db:
        path = write_report(db, out)
    if json:
        emit_json({"report": str(path)})
    else:
        console.print(f"report written: {path}")
