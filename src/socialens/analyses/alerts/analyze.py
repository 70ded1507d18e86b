"""``socialens alerts`` / ``socialens analyze alerts``: replay the store's posts in time order
through the streaming detectors and keep what they raise in the ``alerts`` table.

Sentiment comes from the stored ``sentiment`` scores (``socialens analyze sentiment``); with
``-o sentiment=vader`` the VADER lexicon labels posts on the fly instead; without either,
negative-surge alerts are skipped and the result says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from socialens.analyses.alerts.detectors import Detector, default_detectors
from socialens.analyses.alerts.events import Alert, Event
from socialens.analyses.trends.terms import post_terms
from socialens.errors import ConfigError
from socialens.progress import NoProgress, Progress
from socialens.store import Store

_OPTIONS = ("sensitivity", "cooldown", "window", "sentiment")


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    from socialens.store.results import write_alerts, write_results
    from socialens.store.trend_queries import timed_post_span

    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise ConfigError(f"alerts has no option {', '.join(unknown)}; known: {', '.join(_OPTIONS)}")
    detectors = default_detectors(**{k: _number(options, k) for k in ("sensitivity", "cooldown", "window")})
    sentiment = options.get("sentiment", "stored")
    if sentiment not in ("stored", "vader", "none"):
        raise ConfigError(f"alerts option sentiment={sentiment!r}: expected stored, vader or none")
    bar = progress or NoProgress()
    replayed = timed_post_span(store)[2]
    bar.start("replaying posts through the detectors", replayed)
    alerts, labelled = replay(_events(store, sentiment, bar), detectors)
    write_alerts(store, [a.as_record() for a in alerts])
    kinds = Counter(a.kind for a in alerts)
    # The report tells "ran, nothing raised" apart from "never ran".
    run_record = {"posts": replayed, "labelled": labelled, "alerts": len(alerts), "options": dict(options)}
    write_results(store, "alerts_run", [("last", run_record)])
    note = "" if labelled else "; no sentiment labels, so no negative-surge alerts (run `socialens analyze sentiment`)"
    return {
        "alerts": len(alerts),
        "kinds": dict(kinds),
        "items": [a.as_json() for a in alerts],
        "summary": f"{len(alerts)} alerts: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none") + note,
    }


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


def _number(options: dict[str, str], key: str) -> float | None:
    if key not in options:
        return None
    try:
        return float(options[key])
    except ValueError:
        raise ConfigError(f"alerts option {key}={options[key]!r}: expected a number") from None


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
