"""``socialens profile USER``, ``socialens segments`` and ``socialens suspicious``: thin wrappers over tasks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    ModelsDirOption,
    OptionsOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
    parse_options,
    print_caveats,
    progress_bars,
    section_view,
)


@guarded
def profile_command(
    user: Annotated[
        str,
        typer.Argument(help="Account: its stored id or handle, or its raw id/handle (pseudonymised with your key)."),
    ],
    store: StoreOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Profile one account: interests, activity rhythm, sentiment, influence, languages, segment, suspicion."""
    from socialens.analyses.profiles.build import profile_of

    with open_store(store, config) as (db, cfg):
        profile = profile_of(db, user, cfg.privacy)
    if json:
        emit_json(profile)
        return
    _print_profile(profile)


def _print_profile(p: dict[str, Any]) -> None:
    from socialens.analyses.profiles.build import WEEKDAYS

    console.print(f"[bold]{p['platform']}:{p['user_id']}[/] {p['handle'] or ''}", highlight=False)
    addressed = p.get("addressed") or {"by_kind": {}, "accounts": 0}
    reached = ", ".join(f"{n:,} {kind}" for kind, n in addressed["by_kind"].items())
    if p.get("known_from") == "others":
        console.print(
            "  known only from others: no posts or activity of its own in this store; "
            f"addressed by {addressed['accounts']:,} account(s) ({reached}), {p['first_seen']} .. {p['last_seen']}"
        )
    else:
        console.print(f"  {p['posts']:,} posts, {p['events']:,} activity events, {p['first_seen']} .. {p['last_seen']}")
        if addressed["accounts"]:
            console.print(f"  addressed by {addressed['accounts']:,} account(s) ({reached})")
    if p["peak_hour"] is not None:
        console.print(f"  most active at {p['peak_hour']:02d}h UTC; busiest weekday {p['peak_weekday']}")
        console.print("  weekdays " + " ".join(f"{d} {n}" for d, n in zip(WEEKDAYS, p["weekdays"], strict=True)))
    if p["interests"]:
        tags = ", ".join(f"{i['label']} ({i['n']})" for i in p["interests"])
        console.print(f"  interests ({p['interest_source']}s): {tags}", highlight=False)
    if p["languages"]:
        console.print("  languages: " + ", ".join(f"{k} {v:.0%}" for k, v in p["languages"].items()))
    if p["sentiment"]:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in p["sentiment"]["shares"].items())
        console.print(f"  sentiment over {p['sentiment']['posts']:,} posts: {shares}")
    if p["influence"]:
        console.print(f"  influence score {p['influence']['score']}")
    if p.get("segment"):
        console.print(f"  segment {p['segment']['label']}: {p['segment']['details']['name']}", highlight=False)
    if p.get("suspicious"):
        s = p["suspicious"]
        console.print(f"  suspicion {s['score']:.3f} ({s['label']}): {', '.join(s['details']['reasons']) or '-'}")


@guarded
def segments_command(
    k: Annotated[int | None, typer.Option("-k", help="Number of segments (default: chosen by silhouette).")] = None,
    embed: Annotated[
        bool, typer.Option("--embed/--no-embed", help="Add node2vec embeddings of the user graph.")
    ] = True,
    store: StoreOption = None,
    option: OptionsOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Cluster accounts into named segments; results go back to the store (user_scores 'segment')."""
    from socialens.pipeline import run_tasks

    options: dict[str, Any] = {**parse_options(option), "embed": embed}
    if k is not None:
        options["k"] = k
    with open_store(store, config) as (db, _), progress_bars(quiet=json) as progress:
        # The segments are clustered from fresh profiles: both run, in order.
        *_, run = run_tasks(db, ["segments"], {"segments": options}, progress=progress, with_prerequisites=True)
        view = section_view(db, "segments") if json else None
    result = run.data
    if json:
        emit_json({**result, "view": view})
        return
    from rich.table import Table

    table = Table(title=result["summary"].split(":")[0])
    for column in ("segment", "name", "accounts", "share", "interests"):
        table.add_column(column)
    for s in result["segments"]:
        table.add_row(
            str(s["segment"]), s["name"], f"{s['size']:,}", f"{s['share']:.0%}", ", ".join(s["interests"][:3])
        )
    console.print(table)
    print_caveats(result["caveats"])


@guarded
def suspicious_command(
    limit: Annotated[int, typer.Option("--limit", "-n", help="Accounts to list.")] = 20,
    model: Annotated[
        str, typer.Option("--model", "-m", help="auto (the trained default if any), none, or a model name.")
    ] = "auto",
    threshold: Annotated[float, typer.Option(help="Score at or above which an account is labelled suspicious.")] = 0.5,
    store: StoreOption = None,
    models_dir: ModelsDirOption = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Score every account for bot-like behaviour and list the most suspicious (user_scores 'suspicious')."""
    from socialens.analyses.suspicious.analyze import TASK
    from socialens.pipeline import run_tasks
    from socialens.store.results import read_user_scores

    settings = {"model": model, "threshold": threshold}
    with open_store(store, config) as (db, _), progress_bars(quiet=json) as progress:
        (run,) = run_tasks(db, [TASK], {TASK: settings}, models_dir=models_dir, progress=progress, source="option")
        top = read_user_scores(db, TASK, limit=limit)
        view = section_view(db, "suspicious") if json else None
    result = run.data
    if json:
        emit_json({**result, "accounts": top, "view": view})
        return
    from rich.table import Table

    table = Table(title=result["summary"].split("; note:")[0])
    for column in ("account", "score", "label", "reasons"):
        table.add_column(column)
    for r in top:
        table.add_row(
            f"{r['platform']}:{r['user_id']}", f"{r['score']:.3f}", r["label"], ", ".join(r["details"]["reasons"])
        )
    console.print(table)
    print_caveats(result["caveats"])


COMMANDS = {"profile": profile_command, "segments": segments_command, "suspicious": suspicious_command}
