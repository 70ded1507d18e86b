"""Community detection against known groups on real networks: socialens detectors vs networkx Louvain.

Networks: graph-tool's collection (``scripts/fetch-graphs``), every one whose vertices carry a
group label: ``football`` (US college teams, 12 conferences, the ``value`` property of
Girvan & Newman's data; graph-tool also carries T. S. Evans' correction ``value_tsevans``,
19 groups, which is not used), ``polbooks`` (books on US politics: liberal /
conservative / neutral), ``polblogs`` (political blogs, liberal / conservative; directed, read
undirected), ``serengeti-foodweb`` (species, 14 groups), ``adjnoun`` (adjectives and nouns of
one novel; known to defeat modularity: its words link across the two groups, not within).
Each is read undirected with parallel edges merged and self-loops dropped, restricted to its
largest connected component (isolated vertices are their own community whatever the method).

Every detector runs with seeds 0-4; NMI (arithmetic mean normalisation, scikit-learn's
default) and ARI against the labels are averaged over the seeds, with the standard deviation.

    .venv/bin/python -m benchmarks.quality.communities [--networks football polbooks ...]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from statistics import mean, pstdev
from typing import Any

from benchmarks.harness import recording
from benchmarks.machine import describe
from socialens.analyses.communities.detect import Leiden, Louvain
from socialens.datasets.graphtool import load_collection_graph
from socialens.graph.build import InteractionGraph

GROUPS = {
    "football": "value",
    "polbooks": "value",
    "polblogs": "value",
    "serengeti-foodweb": "group",
    "adjnoun": "value",
}
SEEDS = range(5)


def load_network(name: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Undirected edges (i < j, unique, no loops) of the largest component, and its vertices' groups."""
    import networkx as nx

    gt = load_collection_graph(name)
    groups = [str(g) for g in gt.vertex_properties[GROUPS[name]]]
    graph = nx.Graph()
    graph.add_edges_from((s, t) for s, t in gt.edges() if s != t)
    largest = sorted(max(nx.connected_components(graph), key=len))
    index = {v: i for i, v in enumerate(largest)}
    edges = sorted({(min(index[s], index[t]), max(index[s], index[t])) for s, t in graph.subgraph(largest).edges()})
    return edges, [groups[v] for v in largest]


def socialens_detector(factory: Callable[[int], Any]) -> Callable[[list[tuple[int, int]], int, int], list[int]]:
    def detect(edges: list[tuple[int, int]], n: int, seed: int) -> list[int]:
        # Vertex keys are zero-padded so the graph's sorted vertex order is the index order.
        key = [("g", f"{i:06d}") for i in range(n)]
        graph = InteractionGraph.from_edges(((key[s], key[t], "reply", 1) for s, t in edges), nodes=key)
        return list(factory(seed).fit(graph).membership_)

    return detect


def networkx_louvain(edges: list[tuple[int, int]], n: int, seed: int) -> list[int]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    membership = [0] * n
    for c, members in enumerate(nx.community.louvain_communities(graph, seed=seed)):
        for v in members:
            membership[v] = c
    return membership


DETECTORS: dict[str, Callable[[list[tuple[int, int]], int, int], list[int]]] = {
    "networkx Louvain (reference)": networkx_louvain,
    "socialens Louvain (igraph), resolution 1": socialens_detector(lambda s: Louvain(seed=s)),
    "socialens Leiden, resolution 1 (the default)": socialens_detector(lambda s: Leiden(seed=s)),
    "socialens Leiden, resolution 0.5": socialens_detector(lambda s: Leiden(resolution=0.5, seed=s)),
    "socialens Leiden, resolution 1.5": socialens_detector(lambda s: Leiden(resolution=1.5, seed=s)),
}


def score(truth: list[str], found: list[int]) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(truth, found), adjusted_rand_score(truth, found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--networks", nargs="+", default=list(GROUPS))
    args = parser.parse_args()
    print(f"Machine: {describe('igraph', 'networkx', 'scikit-learn')}; load average {os.getloadavg()[0]:.1f}")
    print("\n| network | vertices | edges | groups | detector | communities | NMI | ARI | seconds |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for name in args.networks:
        edges, truth = load_network(name)
        for detector, detect in DETECTORS.items():
            results = []
            for seed in SEEDS:
                start = time.perf_counter()
                found = detect(edges, len(truth), seed)
                results.append((*score(truth, found), len(set(found)), time.perf_counter() - start))
            nmis, aris, counts, seconds = zip(*results, strict=True)
            print(
                f"| {name} | {len(truth):,} | {len(edges):,} | {len(set(truth))} | {detector} | {mean(counts):.1f} "
                f"| {mean(nmis):.3f} ± {pstdev(nmis):.3f} | {mean(aris):.3f} ± {pstdev(aris):.3f} "
                f"| {mean(seconds):.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    with recording(__spec__.name, "graph", 16):
        main()
