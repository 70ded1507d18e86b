"""Who interacts with whom: directed, weighted account graphs built from the store.

One vertex per account, one edge per (actor, target) pair; the weight counts the actor's
interactions of the chosen kinds with the target, and each edge keeps its count per kind.
The graph is an ``igraph.Graph`` (the ``graph`` extra): its algorithms run in C, which is
what makes PageRank and community detection on a few hundred thousand edges take seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from socialens.errors import ConfigError, MissingExtraError

if TYPE_CHECKING:
    import igraph

    from socialens.store import Store

#: Interaction kinds that connect two accounts.
GRAPH_KINDS: tuple[str, ...] = ("reply", "mention", "repost", "quote", "follow")
#: What ``build_graph`` uses when no kinds are named: conversation and amplification, not follows.
DEFAULT_KINDS: tuple[str, ...] = ("reply", "mention", "repost", "quote")

UserKey = tuple[str, str]


def import_igraph() -> Any:
    """The ``igraph`` module, or an error that says how to install it."""
    try:
        import igraph
    except ImportError:
        raise MissingExtraError("igraph", "graph") from None
    return igraph


def parse_kinds(kinds: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"reply,mention"``, ``["all"]`` or ``None`` as a checked tuple of kinds.

    >>> parse_kinds("mention, reply")
    ('mention', 'reply')
    >>> parse_kinds("all") == GRAPH_KINDS
    True
    """
    if kinds is None:
        return DEFAULT_KINDS
    raw = [kinds] if isinstance(kinds, str) else list(kinds)
    names = [part.strip() for item in raw for part in item.split(",") if part.strip()]
    if not names:
        return DEFAULT_KINDS
    if "all" in names:
        return GRAPH_KINDS
    unknown = sorted(set(names) - set(GRAPH_KINDS))
    if unknown:
        raise ConfigError(f"unknown graph kind(s) {unknown}; use any of {', '.join(GRAPH_KINDS)} or all")
    return tuple(dict.fromkeys(names))


@dataclass(slots=True)
class InteractionGraph:
    """A directed account graph: vertex ``i`` is ``user_ids[i]``, edge ``j`` weighs ``weights[j]``.

    ``graph.vs["name"]`` holds ``"platform:user_id"`` and ``graph.es["weight"]`` the weights.
    """

    graph: igraph.Graph
    user_ids: list[UserKey]
    weights: list[float]
    kinds: tuple[str, ...] = DEFAULT_KINDS
    kind_counts: list[dict[str, int]] = field(default_factory=list)
    #: ``(sources, targets)`` as int32 NumPy arrays, kept so that numerical code (PageRank) need
    #: not pull 300k edges out of igraph as Python tuples; derived from ``graph`` when not given.
    edge_index: tuple[Any, Any] | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.user_ids)

    @property
    def n_edges(self) -> int:
        return len(self.weights)

    def edge_arrays(self) -> tuple[Any, Any]:
        """``(sources, targets)`` of every edge as int32 NumPy arrays, in edge order."""
        if self.edge_index is None:
            self.edge_index = edge_arrays_of(self.graph.get_edgelist())
        return self.edge_index

    def index(self) -> dict[UserKey, int]:
        """``(platform, user_id)`` to vertex index."""
        return {key: i for i, key in enumerate(self.user_ids)}

    def edge_kind_counts(self) -> list[dict[str, int]]:
        """Per edge, how many interactions of each kind it stands for."""
        return self.kind_counts

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[tuple[UserKey, UserKey, str, int]],
        kinds: Sequence[str] = DEFAULT_KINDS,
        nodes: Iterable[UserKey] = (),
    ) -> InteractionGraph:
        """Build from ``(source, target, kind, count)`` rows; ``nodes`` adds accounts without edges.

        Vertices are sorted by key and edges by (source, target), so the same rows give the
        same graph whatever their order.
        """
        per_pair: dict[tuple[UserKey, UserKey], dict[str, int]] = defaultdict(dict)
        keys: set[UserKey] = set(nodes)
        for source, target, kind, count in edges:
            if source == target:
                continue  # talking to oneself says nothing about influence
            counts = per_pair[(source, target)]
            counts[kind] = counts.get(kind, 0) + int(count)
            keys.update((source, target))
        user_ids = sorted(keys)
        index = {key: i for i, key in enumerate(user_ids)}
        pairs = sorted(per_pair)
        igraph = import_igraph()
        edge_list = [(index[s], index[t]) for s, t in pairs]
        graph = igraph.Graph(n=len(user_ids), edges=edge_list, directed=True)
        weights = [float(sum(per_pair[p].values())) for p in pairs]
        graph.vs["name"] = [f"{p}:{u}" for p, u in user_ids]
        graph.es["weight"] = weights
        kind_counts = [dict(sorted(per_pair[p].items())) for p in pairs]
        edge_index = edge_arrays_of(edge_list)
        return cls(graph, user_ids, weights, tuple(kinds), kind_counts, edge_index)


def edge_arrays_of(edges: Sequence[tuple[int, int]]) -> tuple[Any, Any]:
    """``[(source, target), ...]`` as two int32 NumPy arrays (what ``edge_index`` holds)."""
    import numpy as np

    flat = np.fromiter(chain.from_iterable(edges), dtype=np.int32, count=2 * len(edges))
    return flat[0::2].copy(), flat[1::2].copy()


def build_graph(
    store: Store,
    kinds: str | Sequence[str] | None = DEFAULT_KINDS,
    since: datetime | None = None,
    until: datetime | None = None,
) -> InteractionGraph:
    """The account graph of the store: ``kinds`` of interaction, optionally within [since, until)."""
    from socialens.store.graph_queries import interaction_edges

    if since is not None and until is not None and since >= until:
        raise ConfigError(f"--since {since} must be before --until {until}")
    chosen = parse_kinds(kinds)
    rows = interaction_edges(store, chosen, since, until)
    return InteractionGraph.from_edges((((p, a), (p, t), kind, n) for p, a, t, kind, n in rows), kinds=chosen)


def undirected(graph: InteractionGraph) -> igraph.Graph:
    """The graph with directions dropped and the weights of both directions summed.

    Community detection and k-cores read a social tie as mutual, whichever way it was made.
    """
    simple = graph.graph.copy()
    simple.to_undirected(mode="collapse", combine_edges={"weight": "sum"})
    return simple


def graph_stats(graph: InteractionGraph, top: int = 10) -> dict[str, Any]:
    """Size, density, reciprocity, components and the most addressed accounts."""
    g = graph.graph
    n, m = graph.n_nodes, graph.n_edges
    stats: dict[str, Any] = {
        "nodes": n,
        "edges": m,
        "interactions": int(sum(graph.weights)),
        "kinds": list(graph.kinds),
        "interactions_by_kind": _kind_totals(graph.kind_counts),
        "density": round(m / (n * (n - 1)), 6) if n > 1 else 0.0,
        "reciprocity": round(g.reciprocity(), 4) if m else 0.0,
        "weak_components": 0,
        "largest_component": 0,
        "top_in_degree": [],
    }
    if n:
        sizes = g.connected_components(mode="weak").sizes()
        stats["weak_components"] = len(sizes)
        stats["largest_component"] = max(sizes)
        strength = g.strength(mode="in", weights="weight") if m else [0.0] * n
        order = sorted(range(n), key=lambda i: (-strength[i], graph.user_ids[i]))[:top]
        stats["top_in_degree"] = [
            {"platform": graph.user_ids[i][0], "user_id": graph.user_ids[i][1], "interactions": int(strength[i])}
            for i in order
            if strength[i] > 0
        ]
    return stats


def _kind_totals(kind_counts: list[dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for counts in kind_counts:
        for kind, n in counts.items():
            totals[kind] += n
    return dict(sorted(totals.items()))
