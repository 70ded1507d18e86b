"""What ``socialens communities`` (and ``socialens.Store.communities``) shows: the selection's
communities, found by the ``communities`` task (and stored), or found without writing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialens.pipeline.selection import Selection
    from socialens.progress import Progress
    from socialens.store import Store


def top_communities(
    store: Store,
    selection: Selection,
    settings: dict[str, Any] | None = None,
    top: int = 10,
    save: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The detection's counts (``communities``, ``accounts``, ``method``, ``modularity``...),
    ``caveats``, ``saved`` and ``top``: the summaries of the ``top`` largest communities.
    ``settings`` are the task's (``method``, ``resolution``, ``seed``, ``kind``)."""
    from socialens.analyses.adequacy import graph_caveats
    from socialens.analyses.communities import analyze
    from socialens.pipeline import open_context, run_tasks
    from socialens.store.results import read_results
    from socialens.store.user_queries import graph_shape

    settings = settings or {}
    if save:
        (run,) = run_tasks(store, ["communities"], {"communities": settings}, selection=selection, progress=progress)
        result = dict(run.data)
        summaries = [payload for _, payload in read_results(store, "communities", limit=top)]
    else:
        with open_context(store, selection, progress=progress) as ctx:
            found = analyze.detect_communities(ctx, analyze.CommunitiesSettings(**settings))
            result = analyze.describe_result(found)
            result["caveats"] = graph_caveats(graph_shape(ctx.store))
        summaries = found["summaries"][:top]
    result.pop("summary")
    result.pop("top", None)
    return {**result, "saved": save, "top": summaries}
