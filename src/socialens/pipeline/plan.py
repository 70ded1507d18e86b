"""A plan: the tasks to run, in an order their declarations allow, checked before any work.

``Plan.build(store, ["segments"])`` refuses when segments' requirement (the profiles) is
neither in the store for the same selection nor produced earlier in the plan, with a message
that says what to run; ``with_prerequisites=True`` (``socialens run``) adds the producers of
every requirement instead. Tasks that merely *use* an output run after its producer when both
are in the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.errors import ConfigError, ModelNotFoundError
from socialens.pipeline.catalogue import producer_of, task_class
from socialens.pipeline.selection import Selection

if TYPE_CHECKING:
    from pathlib import Path

    from socialens.pipeline.task import Task
    from socialens.store import Store


@dataclass(frozen=True, slots=True)
class Plan:
    """Tasks in run order."""

    tasks: tuple[Task, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tasks)

    @classmethod
    def build(
        cls,
        store: Store,
        names: Sequence[str],
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        selection: Selection | None = None,
        with_prerequisites: bool = False,
        models_dir: Path | None = None,
        source: str = "-o",
        defaults: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Plan:
        """Resolve, order and check ``names`` (see the module text); ``settings`` per task name
        (from ``source``) override ``defaults`` (the ``[tasks.NAME]`` tables of socialens.toml)."""
        settings = settings or {}
        defaults = defaults or {}
        wanted = list(dict.fromkeys(names))
        if with_prerequisites:
            wanted = _with_producers(wanted)
        unknown = sorted(set(settings) - set(wanted))
        if unknown:
            raise ConfigError(
                f"settings given for {', '.join(unknown)}, which the plan does not run ({', '.join(wanted)})"
            )
        tasks = [_make(n, defaults.get(n, {}), settings.get(n, {}), source) for n in wanted]
        ordered = _order(tasks)
        _check(store, ordered, selection or Selection(), models_dir)
        return cls(tuple(ordered))


def _make(name: str, defaults: Mapping[str, Any], given: Mapping[str, Any], source: str) -> Task:
    from socialens.pipeline.settings import merge_settings

    cls = task_class(name)
    return cls(merge_settings(cls.Settings, name, (defaults, f"socialens.toml [tasks.{name}]"), (given, source)))


def _with_producers(names: list[str]) -> list[str]:
    out: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ConfigError(f"tasks require each other in a cycle: {' -> '.join((*path, name))}")
        for output in task_class(name).requires:
            producer = producer_of(output)
            if producer is not None:
                visit(producer, (*path, name))
        if name not in out:
            out.append(name)

    for name in names:
        visit(name, ())
    return out


def _order(tasks: list[Task]) -> list[Task]:
    """Producers before the tasks that require or use their outputs; otherwise the given order."""
    remaining = list(tasks)
    ordered: list[Task] = []
    while remaining:
        for task in remaining:
            inputs = set(task.requires) | set(task.uses)
            blocked = any(inputs & set(other.assigns) for other in remaining if other is not task)
            if not blocked:
                ordered.append(task)
                remaining.remove(task)
                break
        else:
            raise ConfigError(f"tasks require each other in a cycle: {', '.join(t.name for t in remaining)}")
    return ordered


def _check(store: Store, tasks: list[Task], selection: Selection, models_dir: Path | None) -> None:
    from socialens.store.runs import has_output, read_run

    produced: set[str] = set()
    for task in tasks:
        for output in task.requires:
            producer = producer_of(output)
            if output in produced or producer is None:  # no producer: a record table, always there
                continue
            run = read_run(store, producer)
            if not has_output(store, output) or not _covers(run, selection):
                raise ConfigError(_missing_message(task.name, producer, output, selection, run))
        for model_task in task.needs_models:
            _check_model(task.name, model_task, models_dir)
        produced.update(task.assigns)


def _covers(run: dict[str, Any] | None, selection: Selection) -> bool:
    """Whether a producer's stored results are of this selection (and finished)."""
    return run is not None and run["status"] == "done" and run["selection"] == selection.as_dict()


def _missing_message(
    task: str, producer: str | None, output: str, selection: Selection, run: dict[str, Any] | None
) -> str:
    if producer is None:
        return f"{task} needs {output}, which no task produces"
    if run is not None and run["status"] == "done" and run["selection"] != selection.as_dict():
        covered = Selection.from_dict(run["selection"]).describe()
        return (
            f"{task} needs {producer} of the same posts ({selection.describe()}), but the stored {producer} cover "
            f"{covered}: run `socialens analyze {producer}` with the same filters first, "
            f"or `socialens run {task}` runs both"
        )
    return f"{task} needs {producer}: run `socialens analyze {producer}` first, or `socialens run {task}` runs both"


def _check_model(task: str, model_task: str, models_dir: Path | None) -> None:
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    if not any(card.task == model_task for card in registry.list()):
        raise ModelNotFoundError(f"{task} needs a trained {model_task} model: run `socialens train {model_task}` first")
