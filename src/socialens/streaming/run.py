"""Assemble a watch from its settings: source, checkpoint, sinks, labels, detectors. The CLI calls this."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.streaming.state import default_state_path


def start_watch(
    *,
    source: str = "stdin",
    group: str = "socialens",
    consumer: str = "watch-1",
    sinks: list[str] | None = None,
    state: Path | None = None,
    store: Path | None = None,
    format: str = "auto",
    sentiment: str = "model",
    models_dir: Path | None = None,
    topics: str | None = None,
    detector_settings: dict[str, float | None] | None = None,
    batch_size: int = 200,
    max_wait: float = 1.0,
    exit_when_idle: float | None = None,
    max_messages: int | None = None,
    follow: bool = True,
) -> dict[str, Any]:
    """Run ``watch`` until the input ends, it is idle for ``exit_when_idle`` s, or it is interrupted."""
    from socialens.analyses.alerts.detectors import default_detectors
    from socialens.analyses.alerts.sinks import parse_sink
    from socialens.ingest.edge import EdgeProcessor
    from socialens.privacy import Pseudonymizer, load_or_create_key
    from socialens.streaming.labels import TopicHook, sentiment_scorer
    from socialens.streaming.sources import open_source
    from socialens.streaming.state import load_state
    from socialens.streaming.watch import Watcher, WatchSettings

    state_path = state or default_state_path(source, store)
    previous = load_state(state_path, source if not source.startswith(("stdin", "-")) else "stdin")
    opened = open_source(source, previous.position if previous else None, group, consumer, follow)
    settings = WatchSettings(
        source=source,
        state_path=state_path,
        format=format,
        store_path=store,
        batch_size=batch_size,
        max_wait=max_wait,
        exit_when_idle=exit_when_idle,
        max_messages=max_messages,
    )
    watcher = Watcher(
        settings,
        opened,
        [parse_sink(spec) for spec in sinks or ["terminal"]],
        EdgeProcessor(Pseudonymizer(load_or_create_key())),
        detectors=default_detectors(**(detector_settings or {})),
        sentiment=sentiment_scorer(sentiment, models_dir, warn=_warn),
        topics=TopicHook.load(topics, models_dir) if topics is not None else None,
    )
    try:
        return watcher.run()
    except KeyboardInterrupt:
        return watcher.summary()


def _warn(message: str) -> None:
    from socialens.cli.common import console

    console.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)
