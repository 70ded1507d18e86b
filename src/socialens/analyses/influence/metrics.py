"""Centrality of accounts in an :class:`InteractionGraph`, computed by igraph (C code).

* PageRank: weighted, directed, damping 0.85 by default; an account that addresses nobody
  (a dangling vertex) hands its rank to every account equally, as in networkx. igraph's
  PRPACK solver solves the linear system directly instead of iterating to a tolerance.
* in-degree: distinct accounts that addressed the account, and the interactions they made.
* k-core: coreness on the undirected graph (a tie counts once, whichever way it was made).
* betweenness: directed shortest paths counted in hops, normalised by (n-1)(n-2). Exact up to
  ``EXACT_BETWEENNESS_NODES`` accounts; above that, paths longer than a cutoff are ignored
  (igraph's range-limited betweenness), which keeps it near-linear and ranks local brokers.
"""

from __future__ import annotations

from socialens.analyses.graph.build import InteractionGraph, undirected

EXACT_BETWEENNESS_NODES = 5_000
APPROXIMATE_CUTOFF = 3


def pagerank(graph: InteractionGraph, damping: float = 0.85, weighted: bool = True) -> list[float]:
    """PageRank of each vertex (sums to 1); uniform on a graph without edges."""
    n = graph.n_nodes
    if n == 0:
        return []
    if graph.n_edges == 0:
        return [1.0 / n] * n
    weights = "weight" if weighted else None
    return list(graph.graph.pagerank(directed=True, damping=damping, weights=weights, implementation="prpack"))


def in_degree(graph: InteractionGraph) -> tuple[list[int], list[float]]:
    """Distinct accounts pointing at each vertex, and the total weight of their edges."""
    if graph.n_nodes == 0:
        return [], []
    g = graph.graph
    strength = g.strength(mode="in", weights="weight") if graph.n_edges else [0.0] * graph.n_nodes
    return list(g.degree(mode="in")), [float(s) for s in strength]


def k_core(graph: InteractionGraph) -> list[int]:
    """Coreness of each vertex on the undirected simple graph."""
    if graph.n_nodes == 0:
        return []
    return list(undirected(graph).coreness(mode="all"))


def betweenness(graph: InteractionGraph, cutoff: int = 0) -> tuple[list[float], bool]:
    """Normalised betweenness and whether it is exact. ``cutoff`` 0 picks by graph size."""
    n = graph.n_nodes
    if n < 3 or graph.n_edges == 0:
        return [0.0] * n, True
    if cutoff <= 0:
        cutoff = 0 if n <= EXACT_BETWEENNESS_NODES else APPROXIMATE_CUTOFF
    raw = graph.graph.betweenness(directed=True, cutoff=cutoff or None)
    scale = 1.0 / ((n - 1) * (n - 2))
    return [b * scale for b in raw], cutoff == 0


def share_below(values: list[float]) -> list[float]:
    """For each value, the share of all values strictly below it (0 = lowest, near 1 = highest).

    >>> share_below([3.0, 1.0, 3.0, 2.0])
    [0.5, 0.0, 0.5, 0.25]
    """
    n = len(values)
    order = sorted(range(n), key=values.__getitem__)
    out = [0.0] * n
    below = 0
    for position, i in enumerate(order):
        if position and values[i] != values[order[position - 1]]:
            below = position
        out[i] = below / n
    return out
