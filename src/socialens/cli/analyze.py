"""``socialens analyze TASK`` and ``socialens run TASK...``: tasks over the store (or a selection of it)."""

from __future__ import annotations

from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    EngineOption,
    Filters,
    JsonOption,
    ModelsDirOption,
    OptionsOption,
    StoreOption,
    emit_json,
    guarded,
    open_store,
    parse_options,
    print_result,
    progress_bars,
    with_filters,
)


@guarded
@with_filters
def analyze_command(
    task: Annotated[str, typer.Argument(help="What to analyse, e.g. sentiment, offensive, topics.")],
    store: StoreOption = None,
    models_dir: ModelsDirOption = None,
    option: OptionsOption = None,
    engine: EngineOption = "local",
    filters: Filters = Filters(),
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Run one analysis over the store (or the selected posts); results go back to the store."""
    from socialens.pipeline import run_tasks

    with open_store(store, config) as (db, cfg), progress_bars(quiet=json) as progress:
        selection = filters.selection(db, cfg)
        settings = {task: parse_options(option)}
        (result,) = run_tasks(
            db, [task], settings, selection=selection, engine=engine, models_dir=models_dir,
            progress=progress, defaults=cfg.tasks, model_pins=cfg.models,
        )  # fmt: skip
    print_result(result, json)


@guarded
@with_filters
def run_command(
    tasks: Annotated[list[str], typer.Argument(help="Tasks to run; what they require runs first.")],
    store: StoreOption = None,
    models_dir: ModelsDirOption = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="TASK.KEY=VALUE setting of one task (repeatable).")
    ] = None,
    engine: EngineOption = "local",
    filters: Filters = Filters(),
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Run tasks with their prerequisites, in the order their declarations give (e.g. profiles before segments)."""
    from socialens.pipeline import run_tasks

    with open_store(store, config) as (db, cfg), progress_bars(quiet=json) as progress:
        selection = filters.selection(db, cfg)
        results = run_tasks(
            db, tasks, task_settings(parse_options(option)), selection=selection, engine=engine,
            models_dir=models_dir, progress=progress, with_prerequisites=True, defaults=cfg.tasks,
            model_pins=cfg.models,
        )  # fmt: skip
    if json:
        emit_json([r.as_dict() for r in results])
        return
    for result in results:
        print_result(result, json=False)


def task_settings(options: dict[str, str]) -> dict[str, dict[str, str]]:
    """``{"topics.n_topics": "30"}`` -> ``{"topics": {"n_topics": "30"}}``."""
    from socialens.errors import ConfigError

    out: dict[str, dict[str, str]] = {}
    for key, value in options.items():
        task, dot, name = key.partition(".")
        if not dot or not name:
            raise ConfigError(f"-o {key}={value}: name the task, e.g. -o topics.n_topics=30")
        out.setdefault(task, {})[name] = value
    return out
