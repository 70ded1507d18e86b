"""``socialens watch``, ``socialens trends`` and ``socialens alerts``: thin wrappers over
``socialens.streaming`` and the trends and alerts analyses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from socialens.cli.common import (
    ConfigOption,
    Filters,
    JsonOption,
    ModelsDirOption,
    OptionsOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    open_store,
    parse_options,
    progress_bars,
    section_view,
    with_filters,
)

_SINK_HELP = "Where alerts go: terminal, jsonl:PATH or webhook:URL (repeatable)."
_SOURCE_HELP = "stdin, a file being appended (tail -f), or redis://HOST:PORT/STREAM."
_Seconds = float | None

SourceOption = Annotated[str, typer.Option("--source", help=_SOURCE_HELP)]
GroupOption = Annotated[str, typer.Option("--group", help="Redis consumer group.")]
ConsumerOption = Annotated[str, typer.Option("--consumer", help="Redis consumer name (one per watch process).")]
SinkOption = Annotated[list[str] | None, typer.Option("--sink", help=_SINK_HELP)]
StateOption = Annotated[Path | None, typer.Option("--state", help="Checkpoint file (default: beside store or file).")]
WriteStoreOption = Annotated[Path | None, typer.Option("--store", "-s", help="Also write posts and alerts here.")]
FormatOption = Annotated[str, typer.Option("--format", help="Importer format of the lines (default: detected).")]
SentimentOption = Annotated[str, typer.Option("--sentiment", help="model (registered default), vader or none.")]
TopicsOption = Annotated[
    str | None, typer.Option("--topics", help="New-topic alerts from a fitted topic model: 'default' or its folder.")
]
SensitivityOption = Annotated[_Seconds, typer.Option("--sensitivity", help="Threshold multiplier (>1: fewer alerts).")]
CooldownOption = Annotated[_Seconds, typer.Option("--cooldown", help="Seconds before the same alert fires again.")]
WindowOption = Annotated[_Seconds, typer.Option("--window", help="Detector window in seconds (default 3600).")]
BatchOption = Annotated[int, typer.Option("--batch-size", help="Posts per micro-batch.")]
WaitOption = Annotated[float, typer.Option("--max-wait", help="Seconds a micro-batch waits to fill.")]
IdleOption = Annotated[_Seconds, typer.Option("--exit-when-idle", help="Stop after this many idle seconds.")]
MaxOption = Annotated[int | None, typer.Option("--max-messages", help="Stop after this many messages.")]
NoFollowOption = Annotated[bool, typer.Option("--no-follow", help="Stop at the end of a file instead of waiting.")]
ShowOption = Annotated[bool, typer.Option("--show", help="List the stored alerts instead of running the detectors.")]


@guarded
def watch_command(
    source: SourceOption = "stdin",
    group: GroupOption = "socialens",
    consumer: ConsumerOption = "watch-1",
    sink: SinkOption = None,
    state: StateOption = None,
    store: WriteStoreOption = None,
    format: FormatOption = "auto",
    sentiment: SentimentOption = "model",
    models_dir: ModelsDirOption = None,
    topics: TopicsOption = None,
    sensitivity: SensitivityOption = None,
    cooldown: CooldownOption = None,
    window: WindowOption = None,
    batch_size: BatchOption = 200,
    max_wait: WaitOption = 1.0,
    exit_when_idle: IdleOption = None,
    max_messages: MaxOption = None,
    no_follow: NoFollowOption = False,
    json: JsonOption = False,
) -> None:
    """Consume posts continuously; update sentiment, topic and trend state; raise alerts within seconds."""
    from socialens.streaming.run import start_watch

    summary = start_watch(
        source=source,
        group=group,
        consumer=consumer,
        sinks=sink or ["terminal"],
        state=state,
        store=store,
        format=format,
        sentiment=sentiment,
        models_dir=models_dir,
        topics=topics,
        detector_settings={"sensitivity": sensitivity, "cooldown": cooldown, "window": window},
        batch_size=batch_size,
        max_wait=max_wait,
        exit_when_idle=exit_when_idle,
        max_messages=max_messages,
        follow=not no_follow,
    )
    if json:
        emit_json(summary)
    else:
        counts = summary["counts"]
        console.print(
            f"watched {counts.get('messages', 0):,} messages: {counts.get('posts', 0):,} posts, "
            f"{counts.get('alerts', 0):,} alerts, {counts.get('rejected', 0):,} rejected, "
            f"{counts.get('duplicates', 0):,} duplicates skipped; state in {summary['state']}",
            soft_wrap=True,
        )


@guarded
@with_filters
def trends_command(
    store: StoreOption = None,
    option: OptionsOption = None,
    top: Annotated[int, typer.Option("--top", help="Bursts to show.")] = 15,
    filters: Filters = Filters(),
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Bursts of hashtags, terms and topics over the store, ranked; written to the store (task 'trends')."""
    result = _run_task("trends", store, option, config, json, filters)
    if json:
        emit_json(result)
        return
    console.print(result["summary"])
    _print_rows(
        ["Term", "From", "To", "Posts", "Expected", "z", "Weight"],
        [
            [t["term"], t["start"][:16], t["end"][:16], t["posts"], t["expected"], t["z"], t["weight"]]
            for t in result["trends"][:top]
        ],
    )


@guarded
@with_filters
def alerts_command(
    store: StoreOption = None,
    option: OptionsOption = None,
    show: ShowOption = False,
    limit: Annotated[int, typer.Option("--limit", help="Alerts to list.")] = 20,
    filters: Filters = Filters(),
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Replay the store's posts through the alert detectors; alerts go to the store's alerts table."""
    if show:
        from socialens.store.results import read_alerts

        with open_store(store, config, read_only=True) as (db, _):
            result: dict[str, Any] = {"items": read_alerts(db, limit=limit)}
            if json:
                result["view"] = section_view(db, "alerts")
    else:
        result = _run_task("alerts", store, option, config, json, filters)
    if json:
        emit_json(result)
        return
    if "summary" in result:
        console.print(result["summary"])
    _print_rows(
        ["Raised", "Kind", "Reason"],
        [[str(a["raised_at"])[:19], a["kind"], a["summary"]] for a in result["items"][:limit]],
    )


def _run_task(
    task: str, store: Path | None, option: list[str] | None, config: Path | None, json: bool, filters: Filters
) -> Any:
    """The task's result; with ``json``, its report section's view over the selection under ``view``."""
    from socialens.pipeline import run_tasks

    with open_store(store, config) as (db, cfg), progress_bars(quiet=json) as progress:
        selection = filters.selection(db, cfg)
        (result,) = run_tasks(
            db, [task], {task: parse_options(option)}, selection=selection, progress=progress, defaults=cfg.tasks
        )
        return {**result.data, "view": section_view(db, task, selection)} if json else result.data


def _print_rows(header: list[str], rows: list[list[Any]]) -> None:
    from rich.table import Table

    if not rows:
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)


COMMANDS = {"watch": watch_command, "trends": trends_command, "alerts": alerts_command}
