"""Run a recipe's stages in order, resumably, with progress and a time estimate.

Each stage runs in ``<work_dir>/<stage>/`` and, when it returns, its result is written to
``<stage>/done.json``; a later run with the same work directory skips every stage that has one
("resumed"). The estimate of the time left is the remaining stages' expected seconds, scaled by
how the finished stages compared with their own expectations on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DONE = "done.json"


@dataclass(frozen=True)
class Stage:
    """``run(folder, results) -> result``: ``folder`` is the stage's own (empty) folder, ``results``
    the earlier stages' results by name; the result must be JSON. ``seconds`` is the expected time
    on the full data with one thread, for the estimate."""

    name: str
    run: Callable[[Path, dict[str, Any]], dict[str, Any]]
    seconds: float


def run_stages(
    stages: list[Stage],
    work_dir: Path,
    say: Callable[[str], None] = print,
    scale: float = 1.0,
) -> dict[str, dict[str, Any]]:
    """Run ``stages`` in ``work_dir`` (resuming finished ones); ``scale`` shrinks the expected
    times (a recipe on a slice of the data). Returns every stage's result."""
    work_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    expected_done = measured_done = 0.0
    for number, stage in enumerate(stages, 1):
        folder = work_dir / stage.name
        done = folder / DONE
        if done.is_file():
            results[stage.name] = json.loads(done.read_text(encoding="utf-8"))
            say(f"[{number}/{len(stages)}] {stage.name}: resumed from {folder}")
            continue
        speed = measured_done / expected_done if expected_done else 1.0
        left = sum(s.seconds for s in stages[number - 1 :]) * scale * speed
        say(f"[{number}/{len(stages)}] {stage.name}: started, about {_duration(left)} left in all")
        if folder.exists():  # a stage interrupted half way starts again from nothing
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        result = stage.run(folder, results)
        seconds = time.perf_counter() - started
        result = {**result, "seconds": round(seconds, 1)}
        tmp = folder / f".{DONE}.tmp"
        tmp.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, done)
        results[stage.name] = result
        expected_done += stage.seconds * scale
        measured_done += seconds
        say(f"[{number}/{len(stages)}] {stage.name}: done in {_duration(seconds)}")
    return results


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


#: ``register(folder, done, extra) -> card``: registers the recipe's model with ``extra`` on its card.
Register = Callable[[Path, dict[str, Any], dict[str, Any]], dict[str, Any]]


def register_stage(recipe: str, register: Register, seconds: float) -> Stage:
    """A recipe's last stage, ``register``: ``register`` saves the model into the registry with
    ``extra`` (the recipe's name and what each earlier stage recorded) on its card and returns
    the card, which :func:`recipe_card` then reads back."""

    def run(folder: Path, done: dict[str, Any]) -> dict[str, Any]:
        stages = {name: {k: v for k, v in result.items() if k != "card"} for name, result in done.items()}
        return {"card": register(folder, done, {"recipe": recipe, "stages": stages})}

    return Stage("register", run, seconds)


def recipe_card(recipe: str, work_dir: Path, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The card the ``register`` stage saved, with the recipe's name, folder and seconds in all."""
    seconds = sum(result.get("seconds", 0) for result in results.values())
    return {**results["register"]["card"], "recipe": recipe, "work_dir": str(work_dir), "seconds": round(seconds, 1)}
