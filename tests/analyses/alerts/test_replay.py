"""The issue's evaluation on a slice: real tweets (Nov 2016 - Dec 2017, ~2,400) replayed in time
order with one injected negative surge and one injected hashtag burst. Both fire with the
right reason, and the rest of the slice (the quiet stretches) raises nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialens.analyses.alerts.analyze import replay
from socialens.analyses.alerts.detectors import default_detectors
from socialens.analyses.alerts.evaluation import inject, score, trump_events
from socialens.errors import ConfigError
from socialens.store.results import read_alerts
from tests.analyses.trends.corpus import ingest_trump_slice
from tests.conftest import run_analysis


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.fixture(scope="module")
def stream():
    events = trump_events("2016-11-15", "2018-01-01")
    assert len(events) > 2000
    return events


def test_injected_surge_and_burst_fire_and_quiet_stretches_do_not(stream):
    events, injections = inject(stream, [at("2017-05-10T03:00")], [(at("2017-09-05T04:00"), "stormwatch")])
    alerts, labelled = replay(iter(events), default_detectors())
    assert labelled == len(events)
    result = score(alerts, injections, events, window=3600)
    assert result["caught"] == 2, result
    assert result["other_alerts"] == [] and result["precision"] == 1.0
    assert result["quiet_days"] > 250 and result["false_alerts_quiet"] == 0
    surge = next(a for a in alerts if a.kind == "negative_surge")
    assert at("2017-05-10T03:00") <= surge.raised_at <= at("2017-05-10T04:00")
    assert surge.numbers["share"] >= 0.6 and surge.numbers["share"] > 2 * surge.numbers["baseline_share"]
    assert sum(p["id"].startswith("inject-neg") for p in surge.top_posts) >= 4  # the window holds real posts too
    burst = next(a for a in alerts if a.kind == "term_burst")
    assert burst.key == "#stormwatch" and "hashtag #stormwatch" in burst.summary
    assert burst.top_terms[0][0] == "#stormwatch" and all("#stormwatch" in p["text"] for p in burst.top_posts)


def test_the_real_stream_alone_raises_nothing(stream):
    alerts, _ = replay(iter(stream), default_detectors())
    assert alerts == []


def test_alerts_over_a_store_are_stored(store, tmp_path):
    ingest_trump_slice(store, tmp_path, "2016-09-20", "2016-10-25")  # the debates
    result = run_analysis(store, "alerts", {"sentiment": "vader"})
    stored = read_alerts(store)
    assert result["alerts"] == len(stored) > 0
    assert {a["kind"] for a in stored} <= {"negative_surge", "volume_spike", "term_burst"}
    first = stored[-1]
    assert first["payload"]["reason"] == first["summary"] and first["payload"]["numbers"]
    assert run_analysis(store, "alerts", {"sentiment": "vader"})["alerts"] == len(read_alerts(store))  # idempotent


def test_alerts_without_sentiment_say_so(store, tmp_path):
    ingest_trump_slice(store, tmp_path, "2016-10-01", "2016-10-12")
    result = run_analysis(store, "alerts", {})
    assert "no negative-surge alerts" in result["summary"]
    with pytest.raises(ConfigError, match="sentiment="):
        run_analysis(store, "alerts", {"sentiment": "magic"})
    with pytest.raises(ConfigError, match="no option"):
        run_analysis(store, "alerts", {"loudness": "1"})
