"""``socialens analyze TASK``: run an analysis over the store and write its results back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.analyses import available_tasks, task_module
from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    OptionsOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    parse_options,
    progress_bars,
    resolve_config,
    store_path,
)


@guarded
def analyze_command(
    task: Annotated[str, typer.Argument(help="What to analyse, e.g. sentiment, offensive, topics.")],
    store: StoreOption = None,
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder.")] = None,
    option: OptionsOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Run an analysis over every post in the store; results go back to the store."""
    from socialens.store import Store

    module = task_module(task, "analyze", available_tasks("analyze"))
    options = parse_options(option)
    with Store(store_path(store, resolve_config(config))) as db, progress_bars(quiet=json) as progress:
        result = module.run(db, options=options, models_dir=models_dir, progress=progress)
    if json:
        emit_json(result)
    elif "summary" in result:
        console.print(result["summary"])
    elif "scored" in result:
        console.print(f"scored {result['scored']:,} posts: {result.get('labels', '')}")
    else:
        emit_json(result)
