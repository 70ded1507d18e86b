"""What ``socialens graph`` shows: the selection's account graph, described, optionally exported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.selection import Selection
    from socialens.store import Store


def summarise_graph(
    store: Store, selection: Selection, kind: str, top: int = 10, export: Path | None = None
) -> dict[str, Any]:
    """:func:`describe_graph` of the selection's graph in ``store`` (read only)."""
    from socialens.pipeline import open_context

    with open_context(store, selection) as ctx:
        return describe_graph(ctx, kind, top, export)


def describe_graph(ctx: Context, kind: str, top: int = 10, export: Path | None = None) -> dict[str, Any]:
    """Counts, density, reciprocity, components and the most addressed accounts; with ``export``
    the graph is also written (GEXF or GraphML) with stored influence and community as attributes."""
    from socialens.graph.build import graph_stats
    from socialens.graph.export import export_graph
    from socialens.pipeline.runners import load_graph
    from socialens.store.results import read_user_scores

    graph = load_graph(ctx, kind)
    stats = graph_stats(graph, top=top)
    if export is None:
        return stats
    # Scores from earlier `influencers` / `communities` runs travel along as node attributes.
    index = graph.index()
    values: dict[str, list[Any]] = {}
    for task in ("influence", "community"):
        rows = read_user_scores(ctx.store, task)
        if rows:
            column: list[Any] = [None] * graph.n_nodes
            for r in rows:
                i = index.get((r["platform"], r["user_id"]))
                if i is not None:
                    column[i] = int(r["label"]) if task == "community" else r["score"]
            values[task] = column
    stats["exported"] = str(export_graph(graph, export, values))
    return stats
