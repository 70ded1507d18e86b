"""Burst models fitted on ``(relevant, totals)`` count series; compared by the bursts they find."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.analyses.trends.burst import KleinbergBursts
from socialens.component import Component


def matches(component: Component) -> bool:
    return isinstance(component, KleinbergBursts)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    relevant = [1, 0, 2, 1, 0, 1, 12, 15, 11, 1, 0, 2, 1]
    return (relevant, [20] * len(relevant)), ([], [])


def run(component: Component, data: Any) -> list[Any]:
    assert isinstance(component, KleinbergBursts)
    relevant, totals = data
    return [[b.start, b.end, b.weight] for b in component.fit(relevant, totals).bursts_]
