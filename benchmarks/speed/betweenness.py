"""Approximate betweenness on real graphs: the sampled-source estimate against exact (issue 6).

Graphs as in ``benchmarks/speed/graph.py`` (graph-tool collection, read by socialens' ``.gt`` reader).
Exact: igraph's Brandes over every source. socialens's estimate above 5,000 accounts:
``metrics.betweenness`` with 500 sources drawn at random (seeds 0-4), scaled by n / 500.
Shown beside it, the range-limited measure (paths of at most 3 hops, every source) that socialens
used before. Quality: share of the exact top 100 found in the estimate's top 100, and Spearman
correlation over the accounts with nonzero exact betweenness.

    python -m benchmarks.speed.betweenness [--graphs email-Enron pgp-strong-2009] [--seeds 5]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from benchmarks.harness import recording
from benchmarks.speed.graph import _load, directed_edges, machine, to_interaction_graph
from socialens.analyses.influence import metrics


def _spearman(a: list[float], b: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def _quality(estimate: list[float], exact: list[float]) -> tuple[float, float]:
    top = set(sorted(range(len(exact)), key=exact.__getitem__)[-100:])
    found = set(sorted(range(len(estimate)), key=estimate.__getitem__)[-100:])
    nonzero = [i for i, value in enumerate(exact) if value > 0]
    return len(top & found) / 100, _spearman([estimate[i] for i in nonzero], [exact[i] for i in nonzero])


def bench_one(name: str, seeds: int) -> list[dict[str, Any]]:
    gt = _load(name)
    graph = to_interaction_graph(gt.n_vertices, directed_edges(gt))
    started = time.perf_counter()
    exact, _ = metrics.betweenness(graph, sources=graph.n_nodes)
    seconds = time.perf_counter() - started
    rows = [{"graph": name, "method": "exact (every source)", "s": seconds, "top": 1.0, "rho": 1.0}]
    for seed in range(seeds):
        started = time.perf_counter()
        estimate, _ = metrics.betweenness(graph, seed=seed)
        seconds = time.perf_counter() - started
        top, rho = _quality(estimate, exact)
        method = f"sampled, 500 sources, seed {seed}"
        rows.append({"graph": name, "method": method, "s": seconds, "top": top, "rho": rho})
    started = time.perf_counter()
    limited, _ = metrics.betweenness(graph, cutoff=3)
    seconds = time.perf_counter() - started
    top, rho = _quality(limited, exact)
    rows.append({"graph": name, "method": "range-limited, 3 hops (old)", "s": seconds, "top": top, "rho": rho})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", nargs="+", default=["email-Enron", "pgp-strong-2009"])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    rows = [row for name in args.graphs for row in bench_one(name, args.seeds)]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### Betweenness estimate vs exact ({stamp})\n\nMachine: {machine()}\n")
    print("| graph | method | seconds | exact top-100 found | Spearman (nonzero exact) |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['graph']} | {r['method']} | {r['s']:.2f} | {r['top']:.2f} | {r['rho']:.3f} |")


if __name__ == "__main__":
    with recording(__spec__.name, "graph", 6):
        main()
