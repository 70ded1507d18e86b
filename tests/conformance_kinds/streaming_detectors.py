"""Streaming components with ``update(x)``/``get()``: alert detectors and the seasonal rate.

Detectors get a synthetic stream (a quiet baseline, then a surge of negative posts sharing a
hashtag, a new topic) and are compared by the alerts they raise; the seasonal rate gets hourly
counts and is compared by its state after each one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.analyses.alerts.detectors import Detector
from socialens.analyses.alerts.events import Event
from socialens.analyses.trends.baseline import SeasonalRate
from socialens.component import Component
from socialens.kinds import StreamDetector

START = 1_500_000_000.0


def matches(component: Component) -> bool:
    return isinstance(component, StreamDetector)


def _stream() -> list[Event]:
    events = []
    for i in range(600):  # one post every 20 minutes for 8 days, a third of them negative
        sentiment = "negative" if i % 3 == 0 else "positive"
        events.append(Event(f"q{i}", "x", START + i * 1200, f"quiet post {i}", (f"word{i % 50}",), sentiment, 1))
    surge = START + 600 * 1200
    for i in range(40):
        terms = ("#outage", "broken", f"extra{i}")
        events.append(Event(f"s{i}", "x", surge + i * 30, "#outage broken again", terms, "negative", 2, i))
    return events


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    if isinstance(component, SeasonalRate):
        return [(START + h * 3600, 5 + (h % 24 > 8) * 10) for h in range(24 * 9)], []
    return _stream(), []


def run(component: Component, data: Any) -> list[Any]:
    if isinstance(component, SeasonalRate):
        return [component.update(x).get() for x in data]
    assert isinstance(component, Detector)
    alerts = []
    for event in data:
        alerts.extend(a.as_json() for a in component.update(event).pop_alerts())
    return alerts
