"""``socialens analyze TASK``: run an analysis over the store and write its results back."""

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
def analyze_command(
    task: Annotated[str, typer.Argument(help="sentiment or offensive")],
    store: StoreOption = None,
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder.")] = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Score every post in the store with the registered default models; results go back to the store."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from socialens.analyses.sentiment.analyze import analyze_sentiment
    from socialens.errors import ConfigError
    from socialens.store import Store

    if task not in ("sentiment", "offensive"):
        raise ConfigError(f"cannot analyze {task!r} yet; available: sentiment, offensive")
    with Store(store_path(store, resolve_config(config))) as db:
        total = db.count("posts")
        columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True, disable=json) as progress:
            bar = progress.add_task(task, total=total)
            if task == "offensive":
                from socialens.analyses.offensive.score import analyze_offensive

                result = analyze_offensive(db, progress=lambda n: progress.advance(bar, n))
            else:
                result = analyze_sentiment(db, registry_root=models_dir, progress=lambda n: progress.advance(bar, n))
    if json:
        emit_json(result)
    else:
        console.print(f"scored {result['scored']:,} of {total:,} posts: {result['labels']}")
