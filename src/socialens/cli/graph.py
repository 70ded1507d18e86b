"""``socialens graph``, ``socialens influencers``, ``socialens communities``: the account graph and what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    progress_bars,
    resolve_config,
    store_path,
)

KindOption = Annotated[
    str,
    typer.Option(
        "--kind", help="Interactions that make an edge: reply, mention, repost, quote, follow (comma-separated) or all."
    ),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only interactions at or after this ISO date/time.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only interactions before this ISO date/time.")]
DEFAULT_KIND = "reply,mention,repost,quote"


def _graph_options(kind: str, since: str | None, until: str | None, **extra: Any) -> dict[str, str]:
    options = {"kind": kind, "since": since or "", "until": until or ""}
    options.update({k: str(v) for k, v in extra.items()})
    return options


@guarded
def graph_command(
    kind: KindOption = DEFAULT_KIND,
    since: SinceOption = None,
    until: UntilOption = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the graph to FILE.gexf or FILE.graphml (Gephi).")
    ] = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many most-addressed accounts to list.")] = 10,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Build the account graph (who replies to, mentions, reposts, quotes or follows whom) and describe it."""
    from socialens.analyses.graph.build import graph_stats
    from socialens.analyses.graph.export import export_graph
    from socialens.analyses.graph.options import graph_from_options
    from socialens.store import Store
    from socialens.store.results import read_user_scores

    with Store(store_path(store, resolve_config(config)), read_only=True) as db:
        graph = graph_from_options(db, _graph_options(kind, since, until))
        stats = graph_stats(graph, top=top)
        if export is not None:
            # Scores from earlier `influencers` / `communities` runs travel along as node attributes.
            stored = {task: read_user_scores(db, task) for task in ("influence", "community")}
            index = graph.index()
            values: dict[str, list[Any]] = {}
            for task, rows in stored.items():
                if rows:
                    column: list[Any] = [None] * graph.n_nodes
                    for r in rows:
                        i = index.get((r["platform"], r["user_id"]))
                        if i is not None:
                            column[i] = int(r["label"]) if task == "community" else r["score"]
                    values[task] = column
            stats["exported"] = str(export_graph(graph, export, values))
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
def influencers_command(
    kind: KindOption = DEFAULT_KIND,
    since: SinceOption = None,
    until: UntilOption = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many accounts to show.")] = 20,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the ranking (user_scores 'influence').")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Rank accounts by influence (reach, engagement, PageRank), each with its reasons."""
    from socialens.analyses.influence import analyze
    from socialens.store import Store

    options = _graph_options(kind, since, until)
    with Store(store_path(store, resolve_config(config))) as db, progress_bars(quiet=json) as progress:
        rows = analyze.rank_influencers(db, options, progress)
        if save:
            analyze.save_ranking(db, rows)
    ranked, rows = len(rows), rows[:top]
    if json:
        emit_json({"ranked": ranked, "saved": save, "influencers": rows})
        return
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
def communities_command(
    method: Annotated[str, typer.Option("--method", help="leiden or louvain.")] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution", help="Modularity resolution (>1: smaller).")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same communities).")] = 0,
    kind: KindOption = DEFAULT_KIND,
    since: SinceOption = None,
    until: UntilOption = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many communities to show.")] = 10,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store communities and their summaries.")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Find communities (Leiden or Louvain) and summarise each: members, hashtags, topics, sentiment."""
    from socialens.analyses.communities import analyze
    from socialens.analyses.communities.summary import describe
    from socialens.store import Store

    options = _graph_options(kind, since, until, method=method, resolution=resolution, seed=seed)
    with Store(store_path(store, resolve_config(config))) as db, progress_bars(quiet=json) as progress:
        found = analyze.detect_communities(db, options, progress)
        if save:
            analyze.save_communities(db, found)
    result = analyze.describe_result(found)
    summaries = found["summaries"][:top]
    result.pop("summary")
    if json:
        emit_json({**result, "saved": save, "top": summaries})
        return
    console.print(
        f"{result['communities']:,} communities among {result['accounts']:,} accounts "
        f"({result['method']}, modularity {result['modularity']:.3f})"
    )
    for summary in summaries:
        leaders = ", ".join(m["handle"] or m["user_id"] for m in summary["top_members"][:3])
        console.print(f"  {describe(summary)}; top: {leaders}", highlight=False)


COMMANDS = {"graph": graph_command, "influencers": influencers_command, "communities": communities_command}
