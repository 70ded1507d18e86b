"""Community detection on the undirected account graph: Leiden and Louvain (igraph, C), seeded.

Both optimise weighted modularity (``resolution`` 1) on the graph with directions dropped
and both directions' weights summed. Communities are numbered by size, largest first (ties
by their first member), so the same graph and seed always give the same labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from socialens.graph.base import GraphAnalysis
from socialens.graph.build import InteractionGraph, undirected
from socialens.registry import register


def relabel_by_size(membership: list[int]) -> list[int]:
    """Community ids renumbered 0, 1, ... from the largest community down.

    >>> relabel_by_size([5, 5, 2, 7, 7, 7])
    [1, 1, 2, 0, 0, 0]
    """
    sizes: dict[int, int] = {}
    first: dict[int, int] = {}
    for i, c in enumerate(membership):
        sizes[c] = sizes.get(c, 0) + 1
        first.setdefault(c, i)
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    new = {c: i for i, c in enumerate(order)}
    return [new[c] for c in membership]


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph draws from Python's ``random`` module by default: lend it a seeded generator for
    one call, so results repeat and other users of ``random`` are not reseeded behind their back."""
    import random

    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


class _Communities(GraphAnalysis):
    """Shared fit/rows of the detectors; subclasses give ``_detect(undirected graph)``."""

    def fit(self, graph: InteractionGraph, **context: Any) -> Self:
        self.user_ids_ = list(graph.user_ids)
        if graph.n_nodes == 0:
            self.membership_: list[int] = []
            self.modularity_ = 0.0
            return self
        g = undirected(graph)
        membership = list(range(graph.n_nodes)) if graph.n_edges == 0 else self._detect(g)
        self.membership_ = relabel_by_size(membership)
        self.modularity_ = float(g.modularity(self.membership_, weights="weight")) if graph.n_edges else 0.0
        return self

    def _detect(self, graph: Any) -> list[int]:
        raise NotImplementedError

    @property
    def n_communities_(self) -> int:
        return len(set(self.membership_))

    def rows(self) -> list[dict[str, Any]]:
        """One row per account: its community id."""
        return [
            {"platform": p, "user_id": u, "community": c}
            for (p, u), c in zip(self.user_ids_, self.membership_, strict=True)
        ]


@register("communities.leiden.v1")
class Leiden(_Communities):
    """Leiden (igraph's C implementation): modularity at a resolution, refined until stable.

    ``n_iterations`` -1 repeats until an iteration changes nothing (2 is faster and close).

    >>> from socialens.graph.build import InteractionGraph
    >>> pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")]
    >>> edges = [(("x", s), ("x", t), "reply", 1) for s, t in pairs]
    >>> Leiden().fit(InteractionGraph.from_edges(edges)).membership_
    [0, 0, 0, 1, 1, 1]
    """

    def __init__(self, resolution: float = 1.0, seed: int = 0, n_iterations: int = -1) -> None:
        self.resolution = resolution
        self.seed = seed
        self.n_iterations = n_iterations

    def _detect(self, graph: Any) -> list[int]:
        with _seeded(self.seed):
            clustering = graph.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=self.resolution,
                n_iterations=self.n_iterations,
            )
        return list(clustering.membership)


@register("communities.louvain.v1")
class Louvain(_Communities):
    """Louvain (igraph's multilevel), seeded through igraph's random number generator."""

    def __init__(self, resolution: float = 1.0, seed: int = 0) -> None:
        self.resolution = resolution
        self.seed = seed

    def _detect(self, graph: Any) -> list[int]:
        with _seeded(self.seed):
            clustering = graph.community_multilevel(weights="weight", resolution=self.resolution)
        return list(clustering.membership)
