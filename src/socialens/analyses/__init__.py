"""Analyses, one question per folder (sentiment/, topics/, influence/, ...), each built from registered components.

A folder plugs into ``socialens analyze`` through its Task (``socialens.pipeline.catalogue``),
into ``socialens train`` through ``socialens.training.catalogue.TRAINERS`` (its ``train.py``), and
into ``socialens predict`` by convention, found with :func:`task_module`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def task_module(task: str, role: str, available: tuple[str, ...] = ()) -> Any:
    """The module ``socialens.analyses.<task>.<role>`` that implements a verb (CLI, demo) for a task.

    ``predict.py`` has ``predict(texts, *, lang, models_dir) -> list[dict]``.
    """
    import importlib
    import importlib.util

    from socialens.errors import ConfigError

    name = f"socialens.analyses.{task}.{role}"
    if not task.isidentifier() or importlib.util.find_spec(f"socialens.analyses.{task}") is None:
        raise ConfigError(f"unknown task {task!r}; available: {', '.join(available) or 'none'}")
    if importlib.util.find_spec(name) is None:
        raise ConfigError(f"task {task!r} has no {role} step; available: {', '.join(available) or 'none'}")
    return importlib.import_module(name)


def available_tasks(role: str) -> tuple[str, ...]:
    """Task folders under ``socialens.analyses`` that provide ``<role>.py``, sorted."""
    root = Path(__file__).parent
    return tuple(sorted(p.parent.name for p in root.glob(f"*/{role}.py")))
