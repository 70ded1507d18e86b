"""PageRank and community detection on real networks: socialens (igraph) against networkx (issue 6).

Graphs: ``pgp-strong-2009`` (directed, 39,796 vertices, 301,498 edges) and ``email-Enron``
(undirected, 36,692 vertices, 183,831 edges; each edge read as two directed ones for
PageRank) from graph-tool's collection (``scripts/fetch-graphs``), read by socialens' own
``.gt`` reader. Both libraries get the same edge list.

* PageRank: damping 0.85, unweighted, dangling vertices spread their rank uniformly (both
  libraries' default). socialens: ``socialens.analyses.influence.metrics.pagerank`` (SciPy
  power iteration, stopped at a proven L1 error of 1e-6, its default); networkx:
  ``nx.pagerank(tol=1e-12, max_iter=10_000)`` (its stop rule is an L1 change below N * tol).
  igraph's PRPACK solve is timed beside them for reference. Reported: max |difference| over
  vertices.
* Communities on the undirected graph (weights summed over both directions): socialens Leiden
  (``leidenalg``, seed 0) and Louvain (igraph multilevel, seed 0) against
  ``nx.community.louvain_communities(seed=0)``; modularity of every partition by the same
  function (igraph's, resolution 1, weighted).
* Time: wall clock of the call alone, the graph already built (building is timed on its own);
  building and PageRank keep the fastest of ``--repeat`` runs in one forked child (the machine
  is shared; the first run of a fresh fork pays copy-on-write faults), community detection
  runs once.
* Memory: each step runs in a forked child; peak = the child's ``ru_maxrss`` at the end minus
  its resident set size at the start (so C allocations of igraph are counted, unlike tracemalloc).

    python -m benchmarks.speed.graph [--graphs pgp-strong-2009 email-Enron] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from benchmarks.harness import recording
from socialens.datasets.graphtool import GtGraph
from socialens.graph.build import InteractionGraph, edge_arrays_of


def machine() -> str:
    from benchmarks.machine import describe

    return describe("igraph", "leidenalg", "networkx", "scipy")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float, float]:
    """``(result, seconds, peak MiB above the start)`` of ``fn()`` run in a forked child.

    The child runs ``fn`` ``repeat`` times and keeps the fastest: the first run pays the
    copy-on-write page faults of a fresh fork, which have nothing to do with the code measured.
    Peak memory is that of the first run. Forking keeps OpenMP (igraph's PRPACK) out of this
    process, whose thread pool would hang later forks.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: run, report, leave without running the parent's cleanup
        try:
            start_rss = _rss_bytes()
            started = time.perf_counter()
            result = fn()
            times = [time.perf_counter() - started]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start_rss
            for _ in range(repeat - 1):
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
            payload = pickle.dumps((result, min(times), max(peak, 0) / 2**20))
        except BaseException as exc:
            payload = pickle.dumps(exc)
        with os.fdopen(write, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    answer = pickle.loads(data)
    if isinstance(answer, BaseException):
        raise answer
    return answer  # type: ignore[no-any-return]


def directed_edges(gt: GtGraph) -> list[tuple[int, int]]:
    edges = gt.edges()
    return edges if gt.directed else edges + [(t, s) for s, t in edges]


def to_interaction_graph(n: int, edges: list[tuple[int, int]]) -> InteractionGraph:
    import igraph

    graph = igraph.Graph(n=n, edges=edges, directed=True)
    graph.es["weight"] = [1.0] * len(edges)
    index = edge_arrays_of(edges)
    return InteractionGraph(graph, [("gt", str(i)) for i in range(n)], [1.0] * len(edges), ("edge",), [], index)


def to_networkx(n: int, edges: list[tuple[int, int]]) -> Any:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    return graph


def bench_one(name: str, repeat: int) -> dict[str, Any]:
    import networkx as nx

    from socialens.analyses.communities.detect import Leiden, Louvain
    from socialens.analyses.influence.metrics import pagerank
    from socialens.graph.build import undirected

    gt = _load(name)
    edges = directed_edges(gt)
    n = gt.n_vertices
    row: dict[str, Any] = {"graph": name, "nodes": n, "edges": gt.n_edges, "directed": gt.directed}
    _, row["build_sl_s"], row["build_sl_mib"] = measure(lambda: to_interaction_graph(n, edges).n_edges, repeat)
    _, row["build_nx_s"], row["build_nx_mib"] = measure(lambda: to_networkx(n, edges).number_of_edges(), repeat)
    graph = to_interaction_graph(n, edges)
    nx_graph = to_networkx(n, edges)
    sl_pr, row["pr_sl_s"], row["pr_sl_mib"] = measure(lambda: pagerank(graph, 0.85, weighted=False), repeat)
    nx_pr, row["pr_nx_s"], row["pr_nx_mib"] = measure(
        lambda: nx.pagerank(nx_graph, alpha=0.85, tol=1e-12, max_iter=10_000, weight=None), repeat
    )
    row["pr_max_abs_diff"] = max(abs(sl_pr[i] - nx_pr[i]) for i in range(n))
    prpack, row["pr_ig_s"], row["pr_ig_mib"] = measure(
        lambda: graph.graph.pagerank(directed=True, damping=0.85, implementation="prpack"), repeat
    )
    row["pr_ig_max_abs_diff"] = max(abs(prpack[i] - nx_pr[i]) for i in range(n))
    simple = undirected(graph)
    nx_undirected = nx.Graph()
    nx_undirected.add_nodes_from(range(n))
    ties = zip(simple.get_edgelist(), simple.es["weight"], strict=True)
    nx_undirected.add_weighted_edges_from((s, t, w) for (s, t), w in ties)
    for label, detector in (("leiden", Leiden(seed=0)), ("louvain", Louvain(seed=0))):
        membership, seconds, mib = measure(lambda d=detector: d.fit(graph).membership_)
        row[f"{label}_s"], row[f"{label}_mib"] = seconds, mib
        row[f"{label}_q"] = simple.modularity(membership, weights="weight")
        row[f"{label}_k"] = len(set(membership))
    communities, row["nx_louvain_s"], row["nx_louvain_mib"] = measure(
        lambda: [sorted(c) for c in nx.community.louvain_communities(nx_undirected, weight="weight", seed=0)]
    )
    membership = [0] * n
    for c, members in enumerate(communities):
        for v in members:
            membership[v] = c
    row["nx_louvain_q"] = simple.modularity(membership, weights="weight")
    row["nx_louvain_k"] = len(communities)
    return row


def _load(name: str) -> GtGraph:
    from socialens.datasets.graphtool import collection_path, read_gt

    started = time.perf_counter()
    gt = read_gt(collection_path(name), properties=())
    print(
        f"read {name}.gt.gz in {time.perf_counter() - started:.2f} s ({gt.n_vertices:,} vertices, {gt.n_edges:,} edges)"
    )
    return gt


def render(rows: list[dict[str, Any]], repeat: int) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### Graph analytics vs networkx ({stamp})",
        "",
        f"Machine: {machine()}. Times: wall clock of the call alone (graph already built), fastest of {repeat} "
        "runs for building and PageRank (in one forked child per step), one run for community detection; memory: "
        "peak RSS of the child's first run above its start (ru_maxrss delta). socialens PageRank: power "
        "iteration to an L1 error bound of 1e-6 (its default); networkx: tol=1e-12.",
        "",
        "| graph | step | socialens (igraph) | networkx | speed-up | socialens peak MiB | networkx peak MiB |"
        " agreement |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        g = f"{r['graph']} ({r['nodes']:,} v, {r['edges']:,} e{', directed' if r['directed'] else ''})"
        lines.append(
            f"| {g} | build graph | {r['build_sl_s']:.3f} s | {r['build_nx_s']:.3f} s | "
            f"{r['build_nx_s'] / r['build_sl_s']:.1f}x | {r['build_sl_mib']:.1f} | {r['build_nx_mib']:.1f} | |"
        )
        lines.append(
            f"| {g} | PageRank | {r['pr_sl_s']:.3f} s | {r['pr_nx_s']:.3f} s | {r['pr_nx_s'] / r['pr_sl_s']:.1f}x | "
            f"{r['pr_sl_mib']:.1f} | {r['pr_nx_mib']:.1f} | max abs diff {r['pr_max_abs_diff']:.2e} |"
        )
        lines.append(
            f"| {g} | PageRank, igraph PRPACK (reference) | {r['pr_ig_s']:.3f} s | {r['pr_nx_s']:.3f} s | "
            f"{r['pr_nx_s'] / r['pr_ig_s']:.1f}x | {r['pr_ig_mib']:.1f} | {r['pr_nx_mib']:.1f} | "
            f"max abs diff {r['pr_ig_max_abs_diff']:.2e} |"
        )
        for label in ("leiden", "louvain"):
            lines.append(
                f"| {g} | {label.capitalize()} vs nx Louvain | {r[f'{label}_s']:.3f} s | {r['nx_louvain_s']:.3f} s | "
                f"{r['nx_louvain_s'] / r[f'{label}_s']:.1f}x | {r[f'{label}_mib']:.1f} | {r['nx_louvain_mib']:.1f} | "
                f"modularity {r[f'{label}_q']:.4f} ({r[f'{label}_k']:,} comm.) vs "
                f"{r['nx_louvain_q']:.4f} ({r['nx_louvain_k']:,}) |"
            )
    return "\n".join(lines)


def warm_up() -> None:
    """Import and run both libraries once on a toy graph, so no timing includes an import."""
    import networkx as nx

    from socialens.analyses.communities.detect import Leiden, Louvain
    from socialens.analyses.influence.metrics import pagerank

    edges = [(0, 1), (1, 2), (2, 0), (2, 3)]
    graph = to_interaction_graph(4, edges)
    pagerank(graph)
    Leiden().fit(graph)
    Louvain().fit(graph)
    nx.pagerank(to_networkx(4, edges))
    nx.community.louvain_communities(to_networkx(4, edges).to_undirected(), seed=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", nargs="+", default=["pgp-strong-2009", "email-Enron"])
    parser.add_argument("--repeat", type=int, default=3, help="Runs of graph building and PageRank (fastest kept).")
    args = parser.parse_args()
    warm_up()
    rows = [bench_one(name, args.repeat) for name in args.graphs]
    print(render(rows, args.repeat))


if __name__ == "__main__":
    with recording(__spec__.name, "graph", 6):
        main()
