"""The task contract: one registered :class:`Task` per analysis.

A task names itself (``"sentiment"``), says what kind of thing it looks at (``post``, the
posts' ``media``, ``account``, ``graph`` or the whole ``corpus``), carries typed :attr:`Task.Settings` (a frozen
dataclass parsed by :mod:`socialens.pipeline.settings`), and declares what it reads and writes:

* ``requires``: outputs that must exist before it runs (in the store, or produced earlier in
  the same plan), e.g. ``"user_scores.profile"``; a plan without them is refused before any work;
* ``uses``: outputs it reads when present (a plan that holds their producers runs those first);
* ``assigns``: what it writes, e.g. ``"post_scores.sentiment"`` or ``"results.topics"``;
* ``needs_models``: model-registry tasks that must have a trained default (``socialens train``).

``run(ctx)`` does the work through the context (store queries, executor, progress) and a
runner (:mod:`socialens.pipeline.runners`), and returns a :class:`TaskResult`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import orjson

from socialens.pipeline.settings import parse_settings, settings_dict

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

Kind = Literal["post", "media", "account", "graph", "corpus"]


@dataclass(frozen=True, slots=True)
class NoSettings:
    """Settings of a task that has none."""


@dataclass(slots=True)
class TaskResult:
    """What a task run found (``data``, JSON) and what it covered."""

    task: str
    data: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    selection: dict[str, Any] = field(default_factory=dict)
    rows: int = 0  # result rows written by this run
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        return str(self.data.get("summary") or f"{self.task}: done")

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            **self.data,
            "settings": self.settings,
            "selection": self.selection,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
        }


class Task:
    """Base of every analysis task (see the module text)."""

    name: ClassVar[str] = ""
    kind: ClassVar[Kind] = "corpus"
    Settings: ClassVar[type] = NoSettings
    requires: ClassVar[tuple[str, ...]] = ()
    uses: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    needs_models: ClassVar[tuple[str, ...]] = ()
    #: Settings that change how the work is done, not what comes out (left out of the run key).
    volatile: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings if settings is not None else self.Settings()
        if not isinstance(self.settings, self.Settings):
            raise TypeError(f"{self.name} settings must be {self.Settings.__name__}, not {type(settings).__name__}")

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | None = None, source: str = "-o") -> Task:
        """The task with settings parsed from strings or typed values (CLI, TOML, Python, JSON)."""
        return cls(parse_settings(cls.Settings, values or {}, cls.name, source))

    def settings_dict(self) -> dict[str, Any]:
        return settings_dict(self.settings)

    def model_identity(self, ctx: Context) -> str:
        """Which models the task would use now (part of the run key); empty when it uses none."""
        return ""

    def run_key(self, ctx: Context) -> str:
        """A short hash of what decides the output: task, settings (less ``volatile``), models."""
        decided = {k: v for k, v in self.settings_dict().items() if k not in self.volatile}
        payload = orjson.dumps([self.name, decided, self.model_identity(ctx)], option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(payload).hexdigest()[:16]

    def run(self, ctx: Context) -> TaskResult:
        raise NotImplementedError

    def result(self, data: dict[str, Any], rows: int = 0) -> TaskResult:
        """A result of this task (the runner fills in selection and timing)."""
        return TaskResult(self.name, data, settings=self.settings_dict(), rows=rows)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings!r})"
