"""The task pipeline: every analysis a declared :class:`Task`, run through a :class:`Plan` by a
runner that reads the store, maps work over an executor and writes results back.

Folders: ``task.py`` (the contract), ``settings.py`` (one parser for CLI, TOML, Python, JSON),
``selection.py`` (filters), ``context.py``, ``catalogue.py`` (name -> ``module:Class``, lazy),
``plan.py`` (order and checks), ``runners.py`` (the loops), ``run.py`` (the entry point).
"""

from __future__ import annotations

from socialens.pipeline.catalogue import task_class, task_names
from socialens.pipeline.context import Context
from socialens.pipeline.plan import Plan
from socialens.pipeline.run import open_context, run_task, run_tasks
from socialens.pipeline.selection import Selection, selection_from_options
from socialens.pipeline.task import NoSettings, Task, TaskResult

__all__ = [
    "Context",
    "NoSettings",
    "Plan",
    "Selection",
    "Task",
    "TaskResult",
    "open_context",
    "run_task",
    "run_tasks",
    "selection_from_options",
    "task_class",
    "task_names",
]
