"""``socialens ingest PATH...``: platform exports into the store, with progress and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialens.cli.common import (
    ConfigOption,
    JsonOption,
    StoreOption,
    console,
    emit_json,
    guarded,
    resolve_config,
    store_path,
)

# --edge: None lets ingest choose (columnar for large twitter-v1 JSON lines).
_EDGES: dict[str, bool | None] = {"auto": None, "columnar": True, "python": False}
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Input format, or 'auto' to detect it per file.")]


@guarded
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files to ingest (.zst/.gz/.bz2/.xz are read directly).")],
    format: FormatOption = "auto",
    store: StoreOption = None,
    record: Annotated[str, typer.Option(help="Generic formats: what each row is: post, user or interaction.")] = "post",
    map: Annotated[
        list[str] | None,
        typer.Option("--map", help="Generic formats: FIELD=COLUMN (repeat); FIELD==value sets a constant."),
    ] = None,
    platform: Annotated[str | None, typer.Option(help="Generic formats: platform name for the records.")] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="An importer setting KEY=VALUE (repeat), e.g. account_id=123."),
    ] = None,
    keep_identifiers: Annotated[
        bool, typer.Option("--keep-identifiers", help="Store raw user ids and handles (no pseudonyms).")
    ] = False,
    rejects: Annotated[Path | None, typer.Option(help="Where rejected records go (JSONL).")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Records per transaction.")] = None,
    edge: Annotated[
        str,
        typer.Option(help="Edge processing: auto (columnar for large twitter-v1 JSON lines), columnar or python."),
    ] = "auto",
    max_text_chars: Annotated[
        int, typer.Option(help="Cut longer post texts to this many characters (0: no cap); the summary counts them.")
    ] = 100_000,
    media_dir: Annotated[
        Path | None,
        typer.Option("--media-dir", help="Folder of downloaded media files to match to the posts' attachments."),
    ] = None,
    media: Annotated[
        bool | None,
        typer.Option("--media/--no-media", help="Copy attachments in (default: for archives and with --media-dir)."),
    ] = None,
    config: ConfigOption = None,
    json: JsonOption = False,
) -> None:
    """Ingest platform exports into the store (idempotent: the same file twice changes nothing)."""
    from socialens.ingest.media_files import ingest_with_media
    from socialens.ingest.run import IngestInterrupted
    from socialens.privacy import pseudonymizer_from_config
    from socialens.store import Store

    if edge not in _EDGES:
        from socialens.errors import ConfigError

        raise ConfigError(f"--edge {edge!r}: expected auto, columnar or python")
    cfg = resolve_config(config)
    pseudonymizer = pseudonymizer_from_config(cfg.privacy, keep_identifiers)  # key, raw opt-in, public accounts
    settings = {**_generic_settings(format, record, map, platform), **_options(option)}
    total = sum(p.stat().st_size for p in paths if p.is_file())
    try:
        with Store(store_path(store, cfg)) as db, _progress(total, quiet=json) as (advance, media_progress):
            summary = ingest_with_media(
                paths,
                db,
                format=format,
                pseudonymizer=pseudonymizer,
                media=media,
                media_dir=media_dir,
                rejects_path=rejects,
                importer_settings=settings,
                media_progress=media_progress,
                batch_size=batch_size or cfg.ingest.batch_size,
                progress=advance,
                columnar=_EDGES[edge],
                max_text_chars=max_text_chars or None,
            )
    except IngestInterrupted as stopped:
        _report_interrupted(stopped, json)
        raise typer.Exit(130) from None
    result = summary.as_dict()
    if json:
        emit_json(result)
    else:
        _print_summary(result)
    if summary.errors:
        raise typer.Exit(1)


def _generic_settings(format: str, record: str, mapping: list[str] | None, platform: str | None) -> dict[str, object]:
    if format not in ("csv", "jsonl", "parquet"):
        if mapping or platform or record != "post":
            from socialens.errors import ConfigError

            raise ConfigError("--map, --record and --platform apply to --format csv, jsonl or parquet")
        return {}
    settings: dict[str, object] = {"record": record}
    if platform:
        settings["platform"] = platform
    if mapping:
        pairs: dict[str, str] = {}
        for item in mapping:
            field, sep, column = item.partition("=")
            if not sep or not field or not column:
                from socialens.errors import ConfigError

                raise ConfigError(f"--map {item!r}: expected FIELD=COLUMN or FIELD==constant")
            pairs[field.strip()] = column.strip()
        settings["mapping"] = pairs
    return settings


def _options(options: list[str] | None) -> dict[str, object]:
    import orjson

    settings: dict[str, object] = {}
    for item in options or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            from socialens.errors import ConfigError

            raise ConfigError(f"--option {item!r}: expected KEY=VALUE")
        try:  # numbers, true/false, null and JSON objects are typed; anything else is text
            settings[key.strip()] = orjson.loads(value)
        except orjson.JSONDecodeError:
            settings[key.strip()] = value
    return settings


def _progress(total: int, quiet: bool):  # type: ignore[no-untyped-def]
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    from socialens.cli.common import _RichProgress
    from socialens.progress import NoProgress

    @contextmanager
    def bar():  # type: ignore[no-untyped-def]
        """``(advance bytes read, the media pass's stages)``, drawn by one rich display."""
        if quiet:
            yield None, NoProgress()
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("ingesting", total=total or None)
            yield (lambda n: progress.advance(task, n)), _RichProgress(progress)

    return bar()


def _print_summary(result: dict[str, object]) -> None:
    from rich.table import Table

    table = Table(title="ingest summary", show_header=True)
    table.add_column("table")
    for column in ("new", "updated", "unchanged"):
        table.add_column(column, justify="right")
    for name in ("posts", "users", "interactions"):
        table.add_row(name, *(f"{result[c][name]:,}" for c in ("new", "updated", "unchanged")))  # type: ignore[index]
    console.print(table)
    rate = result["posts_per_second"]
    console.print(
        f"read {result['read']:,} records, rejected {result['rejected']:,} in {result['seconds']} s"
        + (f" ({rate:,.0f} posts/s)" if rate else "")
    )
    if result["truncated"]:
        console.print(f"cut {result['truncated']:,} post texts to the text cap (--max-text-chars)")
    if result["duplicates"]:
        console.print(
            f"{result['duplicates']:,} interactions repeated another's actor, kind, target and time "
            "and were stored once (map a timestamp to keep each)"
        )
    for note in result["notes"]:  # type: ignore[attr-defined]
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    media = result.get("media")
    if isinstance(media, dict) and media["attachments"]:
        console.print(
            f"media: {media['attachments']:,} attachments, {media['stored']:,} files stored without metadata "
            f"in {media['library']}, {media['missing']:,} missing, {media['unreadable']:,} unreadable",
            soft_wrap=True,
        )
    if result["rejects_file"]:
        console.print(f"rejected records with file, line and reason: {result['rejects_file']}", soft_wrap=True)
    for error in result["errors"]:  # type: ignore[attr-defined]
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)


def _report_interrupted(stopped: object, json: bool) -> None:
    """Ctrl-C or SIGTERM: what is in the store now, and how to finish."""
    summary = getattr(stopped, "summary", None)
    result = summary.as_dict() if summary is not None else None
    if json:
        emit_json({"interrupted": True, **(result or {})})
    elif result is not None:
        _print_summary(result)
    console.print(
        "[bold yellow]interrupted:[/] the counts above are committed to the store; the file being read is "
        "marked 'interrupted' in the ingest history. Run the same command again to finish (records already "
        "stored come out unchanged).",
        soft_wrap=True,
    )
