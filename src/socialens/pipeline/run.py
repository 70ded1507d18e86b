"""Run tasks by name: build the plan, make the context, execute each task in order.

>>> from socialens.pipeline import run_tasks  # the one entry the CLI, the demo and the API share
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.pipeline.plan import Plan
from socialens.pipeline.selection import Selection

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.task import TaskResult
    from socialens.progress import Progress
    from socialens.store import Store


def run_tasks(
    store: Store,
    names: Sequence[str],
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    selection: Selection | None = None,
    engine: str | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
    with_prerequisites: bool = False,
    source: str = "-o",
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
    model_pins: Mapping[str, str] | None = None,
) -> list[TaskResult]:
    """Run ``names`` (and, with ``with_prerequisites``, what they require) over ``selection``.

    ``settings`` maps a task name to its settings (strings or typed values, checked against
    the task's Settings before anything runs); ``engine`` is ``local`` (default), ``process``
    or ``dask[://HOST:PORT]``; ``defaults`` are settings from socialens.toml ``[tasks.NAME]``,
    ``model_pins`` its ``[models]`` (the model versions to use; they win over the pins the store
    holds itself, which ``socialens adapt`` writes).
    Returns one result per task, in run order.
    """
    from socialens.engine.base import from_spec
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import execute
    from socialens.progress import NoProgress
    from socialens.store.model_pins import merged_pins

    selection = selection or Selection()
    plan = Plan.build(
        store,
        names,
        settings,
        selection=selection,
        with_prerequisites=with_prerequisites,
        models_dir=models_dir,
        source=source,
        defaults=defaults,
    )
    executor = from_spec(engine)
    try:
        pins = merged_pins(store, model_pins)
        ctx = Context(store, executor, models_dir, selection, progress or NoProgress(), pins)
        return [execute(ctx, task) for task in plan.tasks]
    finally:
        executor.close()


def run_task(store: Store, name: str, /, **settings: Any) -> TaskResult:
    """One task with Python keyword settings over the whole store (tests, notebooks)."""
    return run_tasks(store, [name], {name: settings} if settings else None, source="keyword")[0]


@contextmanager
def open_context(
    store: Store,
    selection: Selection | None = None,
    *,
    engine: str | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
) -> Iterator[Context]:
    """A context with the selection scope open, for reads outside a task run (a graph summary,
    a ranking shown but not saved)."""
    from socialens.engine.base import from_spec
    from socialens.pipeline.context import Context
    from socialens.progress import NoProgress
    from socialens.store.model_pins import store_pins
    from socialens.store.selection import scoped

    selection = selection or Selection()
    executor = from_spec(engine)
    try:
        with scoped(store, selection):
            yield Context(store, executor, models_dir, selection, progress or NoProgress(), store_pins(store))
    finally:
        executor.close()
