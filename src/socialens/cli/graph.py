"""``socialens graph``, ``socialens influencers``, ``socialens communities``: the account graph and what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.cli.common import (
    ConfigOption,
    Filters,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
    print_caveats,
    progress_bars,
    section_view,
    with_filters,
)

KindOption = Annotated[
    str,
    typer.Option(
        "--kind", help="Interactions that make an edge: reply, mention, repost, quote, follow (comma-separated) or all."
    ),
]
DEFAULT_KIND = "reply,mention,repost,quote"


@guarded
@with_filters
def graph_command(
    kind: KindOption = DEFAULT_KIND,
    filters: Filters = Filters(),
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the graph to FILE.gexf or FILE.graphml (Gephi).")
    ] = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many most-addressed accounts to list.")] = 10,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Build the account graph (who replies to, mentions, reposts, quotes or follows whom) and describe it."""
    from socialens.graph.summary import summarise_graph

    with open_store(store, config, read_only=True) as (db, cfg):
        selection = filters.selection(db, cfg)
        stats = summarise_graph(db, selection, kind, top, export)
    if json:
        emit_json(stats)
        return
    _print_graph(stats)


def _print_graph(stats: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="account graph", show_header=False)
    table.add_row("kinds", ", ".join(stats["kinds"]))
    table.add_row("accounts", f"{stats['nodes']:,}")
    table.add_row("edges", f"{stats['edges']:,} ({stats['interactions']:,} interactions)")
    table.add_row("by kind", ", ".join(f"{k} {v:,}" for k, v in stats["interactions_by_kind"].items()) or "-")
    table.add_row("density", f"{stats['density']:.6f}")
    table.add_row("reciprocity", f"{stats['reciprocity']:.3f}")
    table.add_row("components", f"{stats['weak_components']:,} (largest {stats['largest_component']:,})")
    for row in stats["top_in_degree"]:
        table.add_row("most addressed", f"{row['platform']}:{row['user_id']} ({row['interactions']:,})")
    console.print(table)
    if "exported" in stats:
        console.print(f"wrote {stats['exported']}")


@guarded
@with_filters
def influencers_command(
    kind: KindOption = DEFAULT_KIND,
    filters: Filters = Filters(),
    top: Annotated[int, typer.Option("-k", "--top", help="How many accounts to show.")] = 20,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the ranking (user_scores 'influence').")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Rank accounts by influence (reach, engagement, PageRank), each with its reasons."""
    from socialens.analyses.influence.view import top_influencers

    with open_store(store, config) as (db, cfg), progress_bars(quiet=json) as progress:
        selection = filters.selection(db, cfg)
        view = top_influencers(db, selection, kind, top, save, progress)
        if json and save:  # with the report section's view of the stored ranking, as the API serves it
            view = {**view, "view": section_view(db, "influencers", selection)}
    if json:
        emit_json(view)
        return
    _print_influencers(view["influencers"], view["ranked"])
    print_caveats(view["caveats"])


def _print_influencers(rows: list[dict[str, Any]], ranked: int) -> None:
    from rich.table import Table

    table = Table(title=f"top {len(rows)} of {ranked:,} accounts by influence")
    for column in ("#", "account", "score", "PageRank", "in-degree", "k-core"):
        table.add_column(column, no_wrap=True)
    table.add_column("why", ratio=1)
    for r in rows:
        table.add_row(
            str(r["rank"]),
            f"{r['platform']}:{r['user_id']}",
            f"{r['score']:.3f}",
            f"{r['pagerank']:.4g}",
            f"{r['in_degree']:,}",
            str(r["k_core"]),
            "; ".join(r["reasons"][1:]),
        )
    console.print(table)


@guarded
@with_filters
def communities_command(
    method: Annotated[str, typer.Option("--method", help="leiden or louvain.")] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution", help="Modularity resolution (>1: smaller).")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same communities).")] = 0,
    kind: KindOption = DEFAULT_KIND,
    filters: Filters = Filters(),
    top: Annotated[int, typer.Option("-k", "--top", help="How many communities to show.")] = 10,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store communities and their summaries.")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Find communities (Leiden or Louvain) and summarise each: members, hashtags, topics, sentiment."""
    from socialens.analyses.communities.view import top_communities

    settings = {"method": method, "resolution": resolution, "seed": seed, "kind": kind}
    with open_store(store, config) as (db, cfg), progress_bars(quiet=json) as progress:
        selection = filters.selection(db, cfg)
        view = top_communities(db, selection, settings, top, save, progress)
        if json and save:  # with the report section's view of the stored communities, as the API serves it
            view = {**view, "view": section_view(db, "communities", selection)}
    if json:
        emit_json(view)
        return
    _print_communities(view, view["top"])


def _print_communities(result: dict[str, Any], summaries: list[dict[str, Any]]) -> None:
    from socialens.analyses.communities.summary import describe

    console.print(
        f"{result['communities']:,} communities among {result['accounts']:,} accounts "
        f"({result['method']}, modularity {result['modularity']:.3f})"
    )
    for summary in summaries:
        leaders = ", ".join(m["handle"] or m["user_id"] for m in summary["top_members"][:3])
        console.print(f"  {describe(summary)}; top: {leaders}", highlight=False)
    print_caveats(result["caveats"])


COMMANDS = {"graph": graph_command, "influencers": influencers_command, "communities": communities_command}
