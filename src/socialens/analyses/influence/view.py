"""What ``socialens influencers`` (and ``socialens.Store.influencers``) shows: the selection's top
accounts by influence, ranked by the ``influence`` task (and stored), or ranked without writing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialens.analyses.influence.analyze import DEFAULT_KINDS

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection
    from socialens.progress import Progress
    from socialens.store import Store


def top_influencers(
    store: Store,
    selection: Selection,
    kind: str = DEFAULT_KINDS,
    top: int = 20,
    save: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """``ranked`` (accounts ranked), ``saved``, ``influencers`` (the first ``top``, with their
    metrics and reasons) and ``caveats`` (what the graph's shape says about the ranking)."""
    from socialens.analyses.adequacy import graph_caveats
    from socialens.analyses.influence.analyze import InfluenceSettings, rank_influencers
    from socialens.pipeline import open_context, run_tasks
    from socialens.store.user_queries import graph_shape

    if save:
        (result,) = run_tasks(
            store, ["influence"], {"influence": {"kind": kind}}, selection=selection, progress=progress
        )
        rows, ranked, caveats = result["top"], result["ranked"], result["caveats"]
        if top > len(rows):  # the result keeps ten; more come from the store
            rows = stored_ranking(store, top)
    else:
        with open_context(store, selection, progress=progress) as ctx:
            rows = rank_influencers(ctx, InfluenceSettings(kind=kind))
            caveats = graph_caveats(graph_shape(ctx.store))
        ranked = len(rows)
    return {"ranked": ranked, "saved": save, "influencers": rows[:top], "caveats": caveats}


def stored_ranking(store: Store, top: int) -> list[dict[str, Any]]:
    """The first ``top`` accounts of the stored ranking, as ``rank_influencers`` gives them."""
    from socialens.store.results import read_user_scores

    return [
        {"platform": r["platform"], "user_id": r["user_id"], "score": r["score"], **r["details"]}
        for r in read_user_scores(store, "influence", limit=top)
    ]
