"""``socialens graph``, ``socialens influencers``, ``socialens communities``: the account graph and what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.cli.common import (
    AuthorOption,
    ConfigOption,
    JsonOption,
    LangOption,
    PlatformOption,
    QueryOption,
    SinceOption,
    StoreOption,
    UntilOption,
    console,
    emit_json,
    guarded,
    print_caveats,
    progress_bars,
    resolve_config,
    section_view,
    selection_from,
    store_path,
)

KindOption = Annotated[
    str,
    typer.Option(
        "--kind", help="Interactions that make an edge: reply, mention, repost, quote, follow (comma-separated) or all."
    ),
]
DEFAULT_KIND = "reply,mention,repost,quote"


@guarded
def graph_command(
    kind: KindOption = DEFAULT_KIND,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    lang: LangOption = None,
    author: AuthorOption = None,
    query: QueryOption = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the graph to FILE.gexf or FILE.graphml (Gephi).")
    ] = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many most-addressed accounts to list.")] = 10,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Build the account graph (who replies to, mentions, reposts, quotes or follows whom) and describe it."""
    from socialens.graph.summary import describe_graph
    from socialens.pipeline import open_context
    from socialens.store import Store

    cfg = resolve_config(config)
    with Store(store_path(store, cfg), read_only=True) as db:
        selection = selection_from(db, cfg, since, until, platform, lang, author, query)
        with open_context(db, selection) as ctx:
            stats = describe_graph(ctx, kind, top, export)
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
    platform: PlatformOption = None,
    lang: LangOption = None,
    author: AuthorOption = None,
    query: QueryOption = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many accounts to show.")] = 20,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the ranking (user_scores 'influence').")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Rank accounts by influence (reach, engagement, PageRank), each with its reasons."""
    from socialens.analyses.adequacy import graph_caveats
    from socialens.analyses.influence.analyze import InfluenceSettings, rank_influencers
    from socialens.pipeline import open_context, run_tasks
    from socialens.store import Store
    from socialens.store.user_queries import graph_shape

    cfg = resolve_config(config)
    with Store(store_path(store, cfg)) as db, progress_bars(quiet=json) as progress:
        selection = selection_from(db, cfg, since, until, platform, lang, author, query)
        if save:
            (result,) = run_tasks(
                db, ["influence"], {"influence": {"kind": kind}}, selection=selection, progress=progress
            )
            rows, ranked, caveats = result["top"], result["ranked"], result["caveats"]
            if top > len(rows):  # the result keeps ten; more come from the store
                rows = _stored_ranking(db, top)
            view = section_view(db, "influencers", selection) if json else None
        else:
            with open_context(db, selection, progress=progress) as ctx:
                rows = rank_influencers(ctx, InfluenceSettings(kind=kind))
                caveats = graph_caveats(graph_shape(ctx.store))
            ranked, view = len(rows), None
    rows = rows[:top]
    if json:
        emit_json({"ranked": ranked, "saved": save, "influencers": rows, "caveats": caveats, "view": view})
        return
    _print_influencers(rows, ranked)
    print_caveats(caveats)


def _stored_ranking(db: Any, top: int) -> list[dict[str, Any]]:
    from socialens.store.results import read_user_scores

    return [
        {"platform": r["platform"], "user_id": r["user_id"], "score": r["score"], **r["details"]}
        for r in read_user_scores(db, "influence", limit=top)
    ]


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
def communities_command(
    method: Annotated[str, typer.Option("--method", help="leiden or louvain.")] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution", help="Modularity resolution (>1: smaller).")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same communities).")] = 0,
    kind: KindOption = DEFAULT_KIND,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    lang: LangOption = None,
    author: AuthorOption = None,
    query: QueryOption = None,
    top: Annotated[int, typer.Option("-k", "--top", help="How many communities to show.")] = 10,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store communities and their summaries.")] = True,
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Find communities (Leiden or Louvain) and summarise each: members, hashtags, topics, sentiment."""
    from socialens.analyses.adequacy import graph_caveats
    from socialens.analyses.communities import analyze
    from socialens.pipeline import open_context, run_tasks
    from socialens.store import Store
    from socialens.store.results import read_results
    from socialens.store.user_queries import graph_shape

    cfg = resolve_config(config)
    settings = {"method": method, "resolution": resolution, "seed": seed, "kind": kind}
    with Store(store_path(store, cfg)) as db, progress_bars(quiet=json) as progress:
        selection = selection_from(db, cfg, since, until, platform, lang, author, query)
        if save:
            (run,) = run_tasks(db, ["communities"], {"communities": settings}, selection=selection, progress=progress)
            result = dict(run.data)
            summaries = [payload for _, payload in read_results(db, "communities", limit=top)]
            view = section_view(db, "communities", selection) if json else None
        else:
            with open_context(db, selection, progress=progress) as ctx:
                found = analyze.detect_communities(ctx, analyze.CommunitiesSettings(**settings))  # type: ignore[arg-type]
            result = analyze.describe_result(found)
            result["caveats"] = graph_caveats(graph_shape(ctx.store))
            summaries, view = found["summaries"][:top], None
    result.pop("summary")
    result.pop("top", None)
    if json:
        emit_json({**result, "saved": save, "top": summaries, "view": view})
        return
    _print_communities(result, summaries)


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
