"""``socialens analyze influence``: rank accounts by influence and write the ranking back.

Writes ``user_scores`` task ``influence``: score in [0, 1], label = rank, details = every
metric (PageRank, in-degree, k-core, betweenness, followers, engagement) and ``reasons``.

Options (``-o KEY=VALUE``): ``kind`` (reply,mention,repost,quote by default; ``all`` adds
follow), ``since`` / ``until`` (ISO dates), ``damping`` (0.85), ``reach_weight``,
``engagement_weight``, ``centrality_weight`` (1 each), ``betweenness_sources`` (accounts whose
shortest paths estimate betweenness above 5,000 accounts; 500), ``betweenness_cutoff`` (> 0:
count only paths of at most that many hops instead; 0 by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "influence"


def rank_influencers(store: Store, options: dict[str, str], progress: Progress | None = None) -> list[dict[str, Any]]:
    """The influencer ranking of the store's graph, most influential first; nothing is written."""
    from socialens.analyses.graph.options import graph_from_options, number
    from socialens.analyses.influence.ranking import InfluenceRanker
    from socialens.store.graph_queries import user_reach

    bar = progress or NoProgress()
    bar.start("ranking influencers", 2)
    graph = graph_from_options(store, options)
    bar.advance()
    ranker = InfluenceRanker(
        damping=number(options, "damping", 0.85),
        reach_weight=number(options, "reach_weight", 1.0),
        engagement_weight=number(options, "engagement_weight", 1.0),
        centrality_weight=number(options, "centrality_weight", 1.0),
        betweenness_cutoff=int(number(options, "betweenness_cutoff", 0)),
        betweenness_sources=int(number(options, "betweenness_sources", 500)),
    )
    rows = ranker.fit(graph, reach=user_reach(store) if graph.n_nodes else {}).rows()
    bar.advance()
    return rows


def save_ranking(store: Store, rows: list[dict[str, Any]]) -> int:
    """Replace the stored ``influence`` scores with ``rows`` (as ``rank_influencers`` gives them)."""
    from socialens.store.results import write_user_scores

    return write_user_scores(
        store,
        TASK,
        [
            {
                "platform": r["platform"],
                "user_id": r["user_id"],
                "label": str(r["rank"]),
                "score": r["score"],
                "details": {k: v for k, v in r.items() if k not in ("platform", "user_id", "score")},
            }
            for r in rows
        ],
        model="influence.InfluenceRanker.v1",
    )


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze influence``."""
    rows = rank_influencers(store, options, progress)
    save_ranking(store, rows)
    top = rows[0]["user_id"] if rows else None
    summary = f"ranked {len(rows):,} accounts by influence" + (f"; most influential: {top}" if top else "")
    return {"ranked": len(rows), "top": rows[:10], "summary": summary}
