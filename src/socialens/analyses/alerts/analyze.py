"""``socialens alerts`` / ``socialens analyze alerts``: replay the store's posts in time order
through the streaming detectors and keep what they raise in the ``alerts`` table.

Sentiment comes from the stored ``sentiment`` scores (``socialens analyze sentiment``); with
``-o sentiment=vader`` the VADER lexicon labels posts on the fly instead; without either,
negative-surge alerts are skipped and the result says so. Settings: ``sensitivity``,
``cooldown``, ``window`` (detector defaults when left out) and ``sentiment``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from socialens.analyses.alerts.detectors import Detector, default_detectors
from socialens.analyses.alerts.events import Alert, Event
from socialens.analyses.trends.terms import post_terms
from socialens.pipeline.task import Task, TaskResult
from socialens.progress import Progress
from socialens.store import Store

if TYPE_CHECKING:
    from socialens.pipeline.context import Context


@dataclass(frozen=True, slots=True)
class AlertsSettings:
    sensitivity: float | None = None  # scales every threshold (1.0 = defaults, higher = fewer alerts)
    cooldown: float | None = None  # seconds before a detector may raise again
    window: float | None = None  # seconds each detector looks back
    sentiment: Literal["stored", "vader", "none"] = "stored"


class AlertsTask(Task):
    name = "alerts"
    kind = "corpus"
    Settings = AlertsSettings
    requires = ("posts",)
    uses = ("post_scores.sentiment", "post_scores.topic")
    assigns = ("alerts", "results.alerts_run")

    def run(self, ctx: Context) -> TaskResult:
        from socialens.store.results import write_alerts, write_results
        from socialens.store.trend_queries import timed_post_span

        s = self.settings
        detectors = default_detectors(sensitivity=s.sensitivity, cooldown=s.cooldown, window=s.window)
        replayed = timed_post_span(ctx.store)[2]
        ctx.progress.start("replaying posts through the detectors", replayed)
        alerts, labelled = replay(_events(ctx.store, s.sentiment, ctx.progress), detectors)
        write_alerts(ctx.store, [a.as_record() for a in alerts])
        kinds = Counter(a.kind for a in alerts)
        # The report tells "ran, nothing raised" apart from "never ran".
        run_record = {"posts": replayed, "labelled": labelled, "alerts": len(alerts), "options": self.settings_dict()}
        write_results(ctx.store, "alerts_run", [("last", run_record)])
        note = (
            "" if labelled else "; no sentiment labels, so no negative-surge alerts (run `socialens analyze sentiment`)"
        )
        listed = ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"
        data = {
            "alerts": len(alerts),
            "kinds": dict(kinds),
            "items": [a.as_json() for a in alerts],
            "summary": f"{len(alerts)} alerts: {listed}{note}",
        }
        return self.result(data, rows=len(alerts))


def replay(events: Iterator[Event], detectors: list[Detector]) -> tuple[list[Alert], int]:
    """Every event through every detector, in order; the alerts and how many events had sentiment."""
    alerts: list[Alert] = []
    labelled = 0
    for event in events:
        labelled += event.sentiment is not None
        for detector in detectors:
            detector.update(event)
            alerts.extend(detector.pop_alerts())
    return alerts, labelled


def _events(store: Store, sentiment: str, progress: Progress) -> Iterator[Event]:
    from socialens.store.trend_queries import iter_timed_posts

    vader = _vader() if sentiment == "vader" else None
    for batch in iter_timed_posts(store):
        rows = batch.to_pylist()
        labels = vader([r["text"] or "" for r in rows]) if vader else [r["sentiment"] for r in rows]
        for row, label in zip(rows, labels, strict=True):
            created = row["created_at"]
            yield Event(
                id=row["id"],
                platform=row["platform"],
                time=_timestamp(created),
                text=row["text"] or "",
                terms=post_terms(row["text"] or "", row["hashtags"] or (), row["lang"]),
                sentiment=None if sentiment == "none" else label,
                engagement=int(row["engagement"]),
            )
        progress.advance(len(rows))


def _vader() -> Any:
    from socialens.analyses.sentiment.baselines import LABELS, VaderSentiment

    model = VaderSentiment()
    return lambda texts: [LABELS["en"][i] for i in model.predict(texts)]


def _timestamp(moment: Any) -> float:
    from datetime import UTC

    return float((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
