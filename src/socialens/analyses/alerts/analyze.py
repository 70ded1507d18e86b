"""``socialens alerts`` / ``socialens analyze alerts``: replay the selection's posts in time order
through the streaming detectors and keep what they raise in the ``alerts`` table (a corpus
pass: :func:`socialens.pipeline.runners.corpus_pass`).

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

if TYPE_CHECKING:
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import CorpusOutput
    from socialens.store.trend_queries import TimedPosts


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
        from socialens.pipeline.runners import corpus_pass
        from socialens.store.trend_queries import timed_posts

        output, _ = corpus_pass(ctx, timed_posts, self.raise_alerts)
        return self.result(output.data, rows=output.data["alerts"])

    def raise_alerts(self, posts: TimedPosts, progress: Progress) -> CorpusOutput:
        """The alerts the detectors raise over ``posts`` replayed in time order, and a record of
        the run (the report tells "ran, nothing raised" apart from "never ran")."""
        from socialens.pipeline.runners import CorpusOutput

        s = self.settings
        detectors = default_detectors(sensitivity=s.sensitivity, cooldown=s.cooldown, window=s.window)
        progress.start("replaying posts through the detectors", posts.count)
        alerts, labelled = replay(_events(posts, s.sentiment, progress), detectors)
        kinds = Counter(a.kind for a in alerts)
        options = self.settings_dict()
        run_record = {"posts": posts.count, "labelled": labelled, "alerts": len(alerts), "options": options}
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
        records = [a.as_record() for a in alerts]
        return CorpusOutput(data, alerts=records, results={"alerts_run": [("last", run_record)]})


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


def _events(posts: TimedPosts, sentiment: str, progress: Progress) -> Iterator[Event]:
    vader = _vader() if sentiment == "vader" else None
    for batch in posts.batches():
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
