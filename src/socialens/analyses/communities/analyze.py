"""``socialens analyze communities``: detect communities and write them back to the store.

Writes ``user_scores`` task ``community`` (label = community id, score = PageRank, so a
community's leading members sort first) and ``analysis_results`` task ``communities`` (one
summary per community of at least two accounts, largest first).

Options (``-o KEY=VALUE``): ``method`` leiden (default) or louvain, ``resolution`` (1.0),
``seed`` (0), ``kind`` (reply,mention,repost,quote by default; ``all`` adds follow),
``since`` / ``until`` (ISO dates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.progress import NoProgress, Progress
from socialens.store import Store

USER_TASK = "community"
RESULTS_TASK = "communities"
METHODS = ("leiden", "louvain")


def make_detector(method: str, resolution: float = 1.0, seed: int = 0) -> Any:
    """The detector component for ``method``."""
    from socialens.analyses.communities.detect import Leiden, Louvain

    if method == "leiden":
        return Leiden(resolution=resolution, seed=seed)
    if method == "louvain":
        return Louvain(resolution=resolution, seed=seed)
    raise ConfigError(f"unknown community method {method!r}; use one of {', '.join(METHODS)}")


def detect_communities(store: Store, options: dict[str, str], progress: Progress | None = None) -> dict[str, Any]:
    """Build the graph, detect communities, summarise them; nothing is written."""
    from socialens.analyses.communities.summary import summarize
    from socialens.analyses.graph.options import graph_from_options, number
    from socialens.analyses.influence.metrics import pagerank

    bar = progress or NoProgress()
    bar.start("building the graph", 3)
    graph = graph_from_options(store, options)
    bar.advance()
    method = options.get("method", "leiden")
    detector = make_detector(method, number(options, "resolution", 1.0), int(number(options, "seed", 0)))
    detector.fit(graph)
    ranks = pagerank(graph)
    bar.advance()
    summaries = summarize(store, graph, detector.membership_, ranks)
    bar.advance()
    return {
        "graph": graph,
        "method": method,
        "membership": detector.membership_,
        "pagerank": ranks,
        "modularity": detector.modularity_,
        "summaries": summaries,
    }


def save_communities(store: Store, found: dict[str, Any]) -> None:
    """Write what ``detect_communities`` found: per-account labels and per-community summaries."""
    from socialens.store.results import write_results, write_user_scores

    graph, membership, ranks = found["graph"], found["membership"], found["pagerank"]
    sizes: dict[int, int] = {}
    for c in membership:
        sizes[c] = sizes.get(c, 0) + 1
    rows = [
        {
            "platform": p,
            "user_id": u,
            "label": str(c),
            "score": ranks[i],
            "details": {"community_size": sizes[c], "method": found["method"]},
        }
        for i, ((p, u), c) in enumerate(zip(graph.user_ids, membership, strict=True))
    ]
    write_user_scores(store, USER_TASK, rows, model=f"communities.{found['method']}")
    write_results(store, RESULTS_TASK, [(str(s["community"]), s) for s in found["summaries"]])


def describe_result(found: dict[str, Any]) -> dict[str, Any]:
    """The counts of a detection, with a one-line ``summary``."""
    graph, n = found["graph"], len(set(found["membership"]))
    return {
        "accounts": graph.n_nodes,
        "edges": graph.n_edges,
        "communities": n,
        "summarised": len(found["summaries"]),
        "modularity": round(found["modularity"], 4),
        "method": found["method"],
        "summary": (
            f"{n:,} communities among {graph.n_nodes:,} accounts ({found['method']}, "
            f"modularity {found['modularity']:.3f}); {len(found['summaries']):,} with 2+ accounts summarised"
        ),
    }


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze communities``."""
    found = detect_communities(store, options, progress)
    save_communities(store, found)
    return describe_result(found)
