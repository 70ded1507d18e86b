"""The contract of analyses that read an account graph: ``fit(graph) -> self``, then ``rows()``."""

from __future__ import annotations

from typing import Any, Self

from socialens.component import Component
from socialens.graph.build import InteractionGraph


class GraphAnalysis(Component):
    """Base of graph analyses (influence ranking, community detection).

    ``fit`` learns from an :class:`InteractionGraph`; ``rows`` gives one plain dict per
    account (``platform``, ``user_id`` and the analysis' values), in a stable order.
    """

    requires = ("interactions.actor", "interactions.kind", "interactions.target_user", "interactions.target_post")

    def fit(self, graph: InteractionGraph, **context: Any) -> Self:
        raise NotImplementedError

    def rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError
