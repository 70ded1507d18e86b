"""``socialens demo``: the main job on bundled real data: ingest, analyse, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import JsonOption, console, emit_json, guarded


@guarded
def demo_command(
    store: Annotated[Path, typer.Option("--store", "-s", help="Store to (re)create.")] = Path("demo.duckdb"),
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML report to write.")] = Path("socialens-report.html"),
    limit: Annotated[
        int | None, typer.Option(help="Use only the first N texts of each corpus (N responses of each recording).")
    ] = None,
    recordings: Annotated[
        bool, typer.Option(help="Add the Reddit and X responses recorded by client libraries (many real authors).")
    ] = True,
    json: JsonOption = False,
) -> None:
    """Build a fresh store from bundled real tweets and write the HTML report."""
    from socialens.demo import build_demo

    if json:
        emit_json(build_demo(store, out, limit=limit, recordings=recordings).as_dict())
        return
    with console.status("socialens demo") as status:

        def step(message: str) -> None:
            console.print(f"· {message}")
            status.update(message)

        result = build_demo(store, out, limit=limit, progress=step, recordings=recordings)
    summary = result.as_dict()
    console.print(
        f"store:  {store} ({summary['posts_in_store']:,} posts, {summary['rejected']:,} rejected, "
        f"{summary['seconds']} s)\nreport: {out}"
    )
    for note in result.notes:
        console.print(f"note: {note}")
