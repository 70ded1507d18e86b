"""The watch loop: read a micro-batch, map it to canonical posts, label, update the detectors,
send the alerts, write to the store (optional), checkpoint, acknowledge. Repeat.

Posts go through the same importers and ``EdgeProcessor`` as ``socialens ingest`` (canonical
and pseudonymised before anything else sees them). The store, when given, is opened for each
batch's write and closed again, so ``watch`` holds DuckDB's single writer lock only for
moments, and other commands can use the store while it runs. Alerts are at-least-once: a
crash after an alert was sent but before its batch was checkpointed sends it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialens.analyses.alerts.detectors import Detector, default_detectors
from socialens.analyses.alerts.events import Alert, Event, event_from_post
from socialens.analyses.alerts.sinks import Sink
from socialens.errors import ConfigError
from socialens.ingest.base import Importer, Sample
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.readers import Reject
from socialens.schema import Post, Record, User
from socialens.streaming.labels import SentimentScorer, TopicHook
from socialens.streaming.sources import Message, Source
from socialens.streaming.state import WatchState, load_state, save_state


@dataclass(slots=True)
class WatchSettings:
    source: str = "stdin"
    state_path: Path = Path("socialens.watch.pkl")
    format: str = "auto"
    importer_settings: dict[str, Any] = field(default_factory=dict)
    store_path: Path | None = None
    batch_size: int = 200
    max_wait: float = 1.0
    #: Stop after this many seconds without a message (None: run until interrupted or the input ends).
    exit_when_idle: float | None = None
    #: Stop after this many messages (None: no limit).
    max_messages: int | None = None


class Watcher:
    """Runs the loop for one source; ``step`` processes one batch (what tests and benchmarks drive)."""

    def __init__(
        self,
        settings: WatchSettings,
        source: Source,
        sinks: list[Sink],
        edge: EdgeProcessor,
        detectors: list[Detector] | None = None,
        sentiment: SentimentScorer | None = None,
        topics: TopicHook | None = None,
        on_alert: Callable[[Alert, float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.source = source
        self.sinks = sinks
        self.edge = edge
        self.sentiment = sentiment
        self.on_alert = on_alert
        state = load_state(settings.state_path, source.name)
        if state is None:
            state = WatchState(source=source.name, detectors=detectors or default_detectors())
            state.topics = topics.tracker if topics else None
        self.state = state
        self.topics = TopicHook(state.topics) if state.topics is not None else None
        self.importer: Importer | None = None

    def run(self, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        idle_since = time.monotonic()
        try:
            while (limit := self._room()) > 0:
                batch = self.source.read(limit, self.settings.max_wait)
                if batch:
                    self.step(batch)
                    idle_since = time.monotonic()
                    if progress is not None:
                        progress(len(batch))
                elif self.source.exhausted or self._idle_for(time.monotonic() - idle_since):
                    break
        finally:
            self.close()
        return self.summary()

    def _room(self) -> int:
        """How many messages the next batch may take (0: the message limit is reached)."""
        limit = self.settings.max_messages
        if limit is None:
            return self.settings.batch_size
        return min(self.settings.batch_size, limit - self.state.counts["messages"])

    def _idle_for(self, seconds: float) -> bool:
        return self.settings.exit_when_idle is not None and seconds >= self.settings.exit_when_idle

    def summary(self) -> dict[str, Any]:
        counts = dict.fromkeys(("messages", "posts", "rejected", "duplicates", "alerts"), 0) | dict(self.state.counts)
        sinks = {type(s).__name__: s.stats() for s in self.sinks}
        return {"source": self.source.name, "state": str(self.settings.state_path), "counts": counts, "sinks": sinks}

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
        self.source.close()

    def step(self, batch: list[Message]) -> list[Alert]:
        """Process one batch end to end; returns the alerts it raised."""
        state = self.state
        fresh = [m for m in batch if m.id not in state.seen]
        state.counts["duplicates"] += len(batch) - len(fresh)
        records = self._records(fresh)
        posts = [r for r in records if isinstance(r, Post)]
        arrived = time.time()
        labels = self.sentiment(posts) if self.sentiment is not None and posts else [None] * len(posts)
        events = [event_from_post(p, label, now=arrived) for p, label in zip(posts, labels, strict=True)]
        alerts = self._detect(posts, events)
        for alert in alerts:
            for sink in self.sinks:
                sink.emit(alert)
            if self.on_alert is not None:
                self.on_alert(alert, time.time())
        if self.settings.store_path is not None and (records or alerts):
            self._write_store(records, alerts)
        for message in fresh:
            state.seen.add(message.id)
        state.position = batch[-1].position if batch else state.position
        state.counts["messages"] += len(fresh)
        state.counts["posts"] += len(posts)
        state.counts["alerts"] += len(alerts)
        for alert in alerts:
            state.counts[f"alerts.{alert.kind}"] += 1
        if state.topics is not None and self.topics is not None:
            state.topics = self.topics.tracker
        save_state(self.settings.state_path, state)
        self.source.ack(batch)
        return alerts

    def _detect(self, posts: list[Post], events: list[Event]) -> list[Alert]:
        alerts: list[Alert] = []
        if self.topics is not None:
            topics, found = self.topics.update(posts, [e.time for e in events])
            for event, topic in zip(events, topics, strict=False):
                event.topic = topic
            alerts.extend(found)
        for event in events:
            for detector in self.state.detectors:
                detector.update(event)
                alerts.extend(detector.pop_alerts())
        return alerts

    def _records(self, messages: list[Message]) -> list[Record]:
        out: list[Record] = []
        for number, message in enumerate(messages, start=self.state.counts["messages"] + 1):
            importer = self.importer or self._choose_importer(message.data)
            try:
                data = importer.decode_line(message.data)
            except ValueError as exc:
                self._reject(Reject(self.source.name, number, f"not valid JSON: {exc}"))
                continue
            mapped = importer.map_safely(data, number, self.source.name)
            if isinstance(mapped, Reject):
                self._reject(mapped)
                continue
            out.extend(self.edge.process(mapped))
        return out

    def _reject(self, reject: Reject) -> None:
        self.state.counts["rejected"] += 1

    def _choose_importer(self, first_line: bytes) -> Importer:
        from socialens.ingest.formats import get_importer, importers

        settings = self.settings
        if settings.format != "auto":
            self.importer = get_importer(settings.format, **settings.importer_settings)
        else:
            sample = Sample(name="stream.jsonl", head=first_line)
            scored = sorted((cls().sniff(sample), name) for name, cls in importers().items())
            if not scored or scored[-1][0] < 0.5:
                raise ConfigError("cannot tell the format of the stream's lines; pass --format")
            self.importer = get_importer(scored[-1][1], **settings.importer_settings)
        self.edge.paired_hashtags = self.importer.paired_hashtags
        return self.importer

    def _write_store(self, records: list[Record], alerts: list[Alert]) -> None:
        from socialens.ingest.run import check_key
        from socialens.store import Store
        from socialens.store.results import write_alerts

        assert self.settings.store_path is not None
        posts = [r for r in records if isinstance(r, Post)]
        users = list({(u.platform, u.id): u for u in records if isinstance(u, User)}.values())
        with Store(self.settings.store_path) as store:
            check_key(store, self.edge.pseudonymizer)
            store.write_records({Post: posts, User: users})  # type: ignore[dict-item]
            write_alerts(store, [a.as_record() for a in alerts])
