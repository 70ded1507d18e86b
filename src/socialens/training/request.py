"""What every task's trainer receives and the steps they share.

``socialens train TASK`` (and ``Store.train``) builds one :class:`TrainRequest`;
:func:`socialens.training.catalogue.train` opens the store for the tasks that read one, puts it
and the progress bar into the request and passes it to the task's ``run(request)``. A task's
``train.py`` keeps only what is its own (its data, its model, its summary line): reading
``-o KEY=VALUE`` settings (:func:`read_options`) and registering a model as its task's default
(:func:`register_default`) live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.progress import NoProgress, Progress


@dataclass(frozen=True, slots=True)
class TrainRequest:
    """What to train: the command's options, whatever the task."""

    lang: str = "en"
    model: str | None = None  # architecture (the task's default when None)
    limit: int | None = None  # train on the first N training examples only
    epochs: int | None = None
    models_dir: Path | None = None
    # The command's store path; a task's trainer receives the open store here (tasks that train on
    # packaged data, ``USES_STORE = False``, get whatever the caller passed, usually None).
    store: Any = None
    options: Mapping[str, str] = field(default_factory=dict)  # the task's own settings (``-o KEY=VALUE``)
    make_default: bool = False
    recipe: str | None = None  # quick or production: the staged pipeline instead of one model
    work_dir: Path | None = None  # where a recipe's stages keep their results
    progress: Progress = field(default_factory=NoProgress)


def read_options(
    task: str, options: Mapping[str, str], kinds: Mapping[str, Callable[[str], Any]], strict: bool = True
) -> dict[str, Any]:
    """``options`` (strings from ``-o KEY=VALUE``) converted by ``kinds`` (setting -> ``int``,
    ``float``, ``str`` or another converter). An unknown setting (when ``strict``) or a value its
    converter refuses is a :class:`ConfigError` that names the known settings."""
    settings: dict[str, Any] = {}
    for key, value in options.items():
        if key not in kinds:
            if strict:
                raise ConfigError(f"--option {key}: unknown {task} setting; known: {', '.join(kinds)}")
            continue
        try:
            settings[key] = kinds[key](value)
        except ValueError:
            raise ConfigError(f"--option {key}={value!r}: not a number") from None
    return settings


def numbers(ints: Iterable[str] = (), floats: Iterable[str] = ()) -> dict[str, Callable[[str], Any]]:
    """The ``kinds`` of :func:`read_options` for settings that are whole numbers or decimals."""
    return {**dict.fromkeys(ints, int), **dict.fromkeys(floats, float)}


def int_list(value: str) -> tuple[int, ...]:
    """``"64,32"`` -> ``(64, 32)`` (a converter for :func:`read_options`)."""
    return tuple(int(v) for v in value.split(",") if v.strip())


def register_default(
    models_dir: Path | None, name: str, files_or_state: Any, card: Mapping[str, Any], pin: bool = False
) -> Any:
    """Save a model into the registry with its card and make it its task's default for the card's
    ``language`` (this version when ``pin``, else whatever version of ``name`` is latest); returns
    the saved :class:`~socialens.training.model_registry.ModelCard`."""
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    saved = registry.save(name, files_or_state, card)
    registry.set_default(card["task"], card["language"], name, saved.version if pin else None)
    return saved
