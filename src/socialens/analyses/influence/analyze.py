"""``socialens analyze influence``: rank accounts by influence and write the ranking back.

Writes ``user_scores`` task ``influence``: score in [0, 1], label = rank, details = every
metric (PageRank, in-degree, k-core, betweenness, followers, engagement) and ``reasons``.

Settings (``-o KEY=VALUE``): ``kind`` (reply,mention,repost,quote by default; ``all`` adds
follow), ``damping`` (0.85), ``reach_weight``, ``engagement_weight``, ``centrality_weight`` (1
each), ``betweenness_sources`` (accounts whose shortest paths estimate betweenness above 5,000
accounts; 500), ``betweenness_cutoff`` (> 0: count only paths of at most that many hops
instead; 0 by default). The time window is the selection's ``--since/--until``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "influence"
MODEL = "influence.influence_ranker.v1"
DEFAULT_KINDS = "reply,mention,repost,quote"


@dataclass(frozen=True, slots=True)
class InfluenceSettings:
    kind: str = DEFAULT_KINDS
    damping: float = 0.85
    reach_weight: float = 1.0
    engagement_weight: float = 1.0
    centrality_weight: float = 1.0
    betweenness_sources: int = 500
    betweenness_cutoff: int = 0


def rank_influencers(ctx: Context, settings: InfluenceSettings) -> list[dict[str, Any]]:
    """The influencer ranking of the selection's graph, most influential first; nothing is written."""
    from socialens.analyses.influence.ranking import InfluenceRanker
    from socialens.pipeline.runners import load_graph
    from socialens.store.graph_queries import user_reach

    ctx.progress.start("ranking influencers", 2)
    graph = load_graph(ctx, settings.kind)
    ctx.progress.advance()
    ranker = InfluenceRanker(
        damping=settings.damping,
        reach_weight=settings.reach_weight,
        engagement_weight=settings.engagement_weight,
        centrality_weight=settings.centrality_weight,
        betweenness_cutoff=settings.betweenness_cutoff,
        betweenness_sources=settings.betweenness_sources,
    )
    rows = ranker.fit(graph, reach=user_reach(ctx.store) if graph.n_nodes else {}).rows()
    ctx.progress.advance()
    return rows


def ranking_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``user_scores`` rows of a ranking (as ``rank_influencers`` gives it)."""
    return [
        {
            "platform": r["platform"],
            "user_id": r["user_id"],
            "label": str(r["rank"]),
            "score": r["score"],
            "details": {k: v for k, v in r.items() if k not in ("platform", "user_id", "score")},
        }
        for r in rows
    ]


class InfluenceTask(Task):
    name = TASK
    kind = "graph"
    Settings = InfluenceSettings
    requires = ("interactions",)
    uses = ("users",)
    assigns = ("user_scores.influence",)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import score_accounts

        rows = rank_influencers(ctx, self.settings)
        written = score_accounts(ctx, TASK, ranking_rows(rows), MODEL)
        top = rows[0]["user_id"] if rows else None
        from socialens.analyses.adequacy import graph_caveats, with_caveats
        from socialens.store.user_queries import graph_shape

        caveats = graph_caveats(graph_shape(ctx.store))
        summary = f"ranked {len(rows):,} accounts by influence" + (f"; most influential: {top}" if top else "")
        data = {"ranked": len(rows), "top": rows[:10], "caveats": caveats, "summary": with_caveats(summary, caveats)}
        return self.result(data, rows=written)
