"""``socialens analyze communities``: detect communities and write them back to the store.

Writes ``user_scores`` task ``community`` (label = community id, score = PageRank, so a
community's leading members sort first) and ``analysis_results`` task ``communities`` (one
summary per community of at least two accounts, largest first).

Settings (``-o KEY=VALUE``): ``method`` leiden (default) or louvain, ``resolution`` (1.0),
``seed`` (0), ``kind`` (reply,mention,repost,quote by default; ``all`` adds follow). The time
window is the selection's ``--since/--until``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

USER_TASK = "community"
RESULTS_TASK = "communities"
METHODS = ("leiden", "louvain")


@dataclass(frozen=True, slots=True)
class CommunitiesSettings:
    method: Literal["leiden", "louvain"] = "leiden"
    resolution: float = 1.0
    seed: int = 0
    kind: str = "reply,mention,repost,quote"


def make_detector(method: str, resolution: float = 1.0, seed: int = 0) -> Any:
    """The detector component for ``method``."""
    from socialens.analyses.communities.detect import Leiden, Louvain
    from socialens.errors import ConfigError

    if method == "leiden":
        return Leiden(resolution=resolution, seed=seed)
    if method == "louvain":
        return Louvain(resolution=resolution, seed=seed)
    raise ConfigError(f"unknown community method {method!r}; use one of {', '.join(METHODS)}")


def detect_communities(ctx: Context, settings: CommunitiesSettings) -> dict[str, Any]:
    """Build the selection's graph, detect communities, summarise them; nothing is written."""
    from socialens.analyses.communities.summary import summarize
    from socialens.analyses.influence.metrics import pagerank
    from socialens.pipeline.runners import load_graph

    ctx.progress.start("building the graph", 3)
    graph = load_graph(ctx, settings.kind)
    ctx.progress.advance()
    detector = make_detector(settings.method, settings.resolution, settings.seed)
    detector.fit(graph)
    ranks = pagerank(graph)
    ctx.progress.advance()
    summaries = summarize(ctx.store, graph, detector.membership_, ranks)
    ctx.progress.advance()
    return {
        "graph": graph,
        "method": settings.method,
        "membership": detector.membership_,
        "pagerank": ranks,
        "modularity": detector.modularity_,
        "summaries": summaries,
    }


def save_communities(ctx: Context, found: dict[str, Any]) -> int:
    """Write what ``detect_communities`` found: per-account labels and per-community summaries."""
    from socialens.pipeline.runners import score_accounts
    from socialens.store.results import write_results

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
    written = score_accounts(ctx, USER_TASK, rows, model=f"communities.{found['method']}")
    write_results(ctx.store, RESULTS_TASK, [(str(s["community"]), s) for s in found["summaries"]])
    return written


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


class CommunitiesTask(Task):
    name = RESULTS_TASK
    kind = "graph"
    Settings = CommunitiesSettings
    requires = ("interactions",)
    uses = ("post_scores.sentiment", "post_scores.topic", "results.topics")
    assigns = ("user_scores.community", "results.communities")

    def run(self, ctx: Context) -> TaskResult:
        found = detect_communities(ctx, self.settings)
        written = save_communities(ctx, found)
        from socialens.analyses.adequacy import graph_caveats, with_caveats
        from socialens.store.user_queries import graph_shape

        data = describe_result(found)
        data["top"] = found["summaries"][:10]
        data["caveats"] = graph_caveats(graph_shape(ctx.store))
        data["summary"] = with_caveats(data["summary"], data["caveats"])
        return self.result(data, rows=written)
