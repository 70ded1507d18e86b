"""What a task sees while it runs: the store, the executor, the models, the selection, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.pipeline.selection import Selection
from socialens.progress import NoProgress, Progress

if TYPE_CHECKING:
    from socialens.engine.base import Executor
    from socialens.store import Store


@dataclass(slots=True)
class Context:
    """The seam between a task and the world. ``store`` is read through ``socialens.store``
    query functions (never SQL in a task); inside a run it holds only the ``selection``."""

    store: Store
    executor: Executor = field(default=None)  # type: ignore[assignment]
    models_dir: Path | None = None
    selection: Selection = field(default_factory=Selection)
    progress: Progress = field(default_factory=NoProgress)
    #: ``{"sentiment/en": "NAME@VERSION"}`` from socialens.toml ``[models]``: the versions to use.
    model_pins: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.executor is None:
            from socialens.engine.local import LocalExecutor

            self.executor = LocalExecutor()

    def model_registry(self) -> Any:
        from socialens.training.model_registry import ModelRegistry

        return ModelRegistry(self.models_dir, pins=self.model_pins)
