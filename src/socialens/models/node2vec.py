"""node2vec (Grover & Leskovec, 2016): random walks on a graph, then skip-gram over the walks.

Walks treat the graph as undirected and weighted (who talks with whom, either way, is what
places two accounts near each other). ``p`` and ``q`` bias each step on the previous node as
in the paper: return weight 1/p, staying near the previous node 1, moving outward 1/q;
``p = q = 1`` is DeepWalk and takes a fast first-order path. The skip-gram is socialens's own
:mod:`socialens.models.word2vec`, with node ids as words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from socialens.component import Component
from socialens.registry import register

_OFFSET = 2  # word2vec reserves ids 0 and 1 (<pad>, <unk>)


@dataclass
class Node2VecConfig:
    dim: int = 32
    walk_length: int = 20
    walks_per_node: int = 10
    window: int = 5
    p: float = 1.0
    q: float = 1.0
    epochs: int = 3
    seed: int = 0


def adjacency(n_nodes: int, edges: Sequence[tuple[int, int, float]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(neighbours, weights) of each node, both directions of every edge merged."""
    merged: list[dict[int, float]] = [{} for _ in range(n_nodes)]
    for src, dst, weight in edges:
        if src != dst:
            merged[src][dst] = merged[src].get(dst, 0.0) + float(weight)
            merged[dst][src] = merged[dst].get(src, 0.0) + float(weight)
    return [
        (np.fromiter(sorted(m), np.int64, len(m)), np.array([m[k] for k in sorted(m)], dtype=np.float64))
        for m in merged
    ]


def random_walks(adj: list[tuple[np.ndarray, np.ndarray]], config: Node2VecConfig) -> list[list[int]]:
    """``walks_per_node`` walks of up to ``walk_length`` nodes from every node that has a neighbour."""
    rng = np.random.default_rng(config.seed)
    starts = [v for v, (nbrs, _) in enumerate(adj) if len(nbrs)]
    cumulative = [np.cumsum(w) for _, w in adj]
    biased = config.p != 1.0 or config.q != 1.0
    neighbour_sets = [set(nbrs.tolist()) for nbrs, _ in adj] if biased else []
    walks = []
    for _ in range(config.walks_per_node):
        for start in rng.permutation(starts).tolist():
            walk = [start]
            while len(walk) < config.walk_length:
                nbrs, weights = adj[walk[-1]]
                if biased and len(walk) > 1:
                    prev = walk[-2]
                    bias = np.array([1 / config.p if x == prev else 1.0 if x in neighbour_sets[prev] else 1 / config.q
                                     for x in nbrs.tolist()])  # fmt: skip
                    step = weights * bias
                    walk.append(int(nbrs[np.searchsorted(np.cumsum(step), rng.random() * step.sum(), "right")]))
                else:
                    total = cumulative[walk[-1]][-1]
                    walk.append(int(nbrs[np.searchsorted(cumulative[walk[-1]], rng.random() * total, "right")]))
            walks.append(walk)
    return walks


def train_node2vec(
    n_nodes: int, edges: Sequence[tuple[int, int, float]], config: Node2VecConfig | None = None
) -> np.ndarray:
    """``(n_nodes, dim)`` embeddings; a node without edges gets zeros. Seeded: same input, same output."""
    import torch

    from socialens.models.word2vec import Word2VecConfig, train_word2vec

    config = config or Node2VecConfig()
    out = np.zeros((n_nodes, config.dim), dtype=np.float32)
    walks = random_walks(adjacency(n_nodes, edges), config)
    if not walks:
        return out
    counts = np.bincount(np.concatenate([np.asarray(w) for w in walks]) + _OFFSET, minlength=n_nodes + _OFFSET)
    w2v = Word2VecConfig(
        vocab_size=n_nodes + _OFFSET,
        embed_dim=config.dim,
        window=config.window,
        subsample=0.0,  # hubs are the structure here, not noise to thin out
        epochs=config.epochs,
        seed=config.seed,
    )
    # Each step moves a few small rows: extra threads only add start-up cost, and on a busy
    # machine waiting for them made a 6-node graph take 40 s instead of 0.7 s.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            vectors, _ = train_word2vec([[v + _OFFSET for v in w] for w in walks], counts.tolist(), w2v)
    finally:
        torch.set_num_threads(threads)
    visited = counts[_OFFSET:] > 0
    out[visited] = vectors[_OFFSET:].numpy()[visited]  # unvisited rows hold only their random start
    return out


@register("models.node2vec.v1")
class Node2Vec(Component):
    """``fit(edges, n_nodes=None)`` with ``(src, dst, weight)`` integer-node edges; learns ``embeddings_``."""

    def __init__(
        self, dim: int = 32, walk_length: int = 20, walks_per_node: int = 10, window: int = 5,
        p: float = 1.0, q: float = 1.0, epochs: int = 3, seed: int = 0,
    ) -> None:  # fmt: skip
        self.dim = dim
        self.walk_length = walk_length
        self.walks_per_node = walks_per_node
        self.window = window
        self.p = p
        self.q = q
        self.epochs = epochs
        self.seed = seed

    def fit(self, edges: Sequence[tuple[int, int, float]], n_nodes: int | None = None) -> Node2Vec:
        n = n_nodes if n_nodes is not None else 1 + max((max(s, d) for s, d, _ in edges), default=-1)
        self.embeddings_ = train_node2vec(n, edges, Node2VecConfig(**self.get_params()))
        return self

    def config(self) -> dict[str, Any]:
        return asdict(Node2VecConfig(**self.get_params()))
