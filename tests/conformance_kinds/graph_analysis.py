"""Graph analyses (influence ranking, community detection): fit on an account graph, then ``rows()``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.graph.build import InteractionGraph
from socialens.kinds import GraphAnalysis

# Two triangles joined by one edge, plus a repeated reply: communities, a bridge, weights.
_PAIRS = [("a", "b", 2), ("b", "c", 1), ("c", "a", 1), ("d", "e", 1), ("e", "f", 1), ("f", "d", 1), ("c", "d", 1)]


def matches(component: Any) -> bool:
    return isinstance(component, GraphAnalysis)


def example(component: Any, tmp_path: Path) -> tuple[InteractionGraph, InteractionGraph]:
    valid = InteractionGraph.from_edges([(("x", s), ("x", t), "reply", n) for s, t, n in _PAIRS])
    return valid, InteractionGraph.from_edges([])


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run(component: Any, graph: InteractionGraph) -> list[Any]:
    return [_plain(row) for row in component.fit(graph).rows()]
