"""Each detector on synthetic streams: fires on its event with its reason, stays quiet otherwise,
respects its cooldown, and resumes identically after a pickle round-trip."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from socialens.analyses.alerts.detectors import NegativeSurge, NewTopic, TermBurst, VolumeSpike, default_detectors
from socialens.analyses.alerts.events import Event

MONDAY = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
HOUR = 3600.0


def quiet(hours: int, per_hour: int = 3, start: float = MONDAY) -> list[Event]:
    """Steady posts, one in three negative, words from a small rotating vocabulary."""
    out = []
    for i in range(hours * per_hour):
        sentiment = "negative" if i % 3 == 0 else ("positive" if i % 3 == 1 else "neutral")
        terms = (f"word{i % 40}", f"other{i % 13}")
        out.append(Event(f"q{i}", "x", start + i * HOUR / per_hour, f"post {i}", terms, sentiment, engagement=i % 7))
    return out


def surge(
    start: float, n: int, sentiment: str = "negative", terms: tuple[str, ...] = (), prefix: str = "s", every: float = 60
) -> list[Event]:
    return [
        Event(
            f"{prefix}{i}",
            "x",
            start + i * every,
            f"{prefix} {i} {' '.join(terms)}",
            (*terms, f"w{i}"),
            sentiment,
            engagement=i,
        )
        for i in range(n)
    ]


def feed(detector, events):
    alerts = []
    for event in events:
        alerts.extend(detector.update(event).pop_alerts())
    return alerts


def test_negative_surge_fires_once_with_its_numbers():
    background = quiet(24 * 5)
    end = background[-1].time
    alerts = feed(NegativeSurge(), [*background, *surge(end + 60, 20)])
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.kind == "negative_surge" and alert.key == "negative"
    assert alert.numbers["share"] > 0.6 and 0.2 < alert.numbers["baseline_share"] < 0.45
    assert alert.numbers["z"] >= 4 and round(alert.severity, 4) == alert.numbers["z"]
    assert "negative posts" in alert.summary and alert.trigger.startswith("x:s")
    assert alert.top_posts and all(p["id"].startswith(("s", "q")) for p in alert.top_posts)
    assert alert.as_record()["payload"]["numbers"] == alert.numbers


def test_negative_surge_needs_a_baseline_and_ignores_unlabelled_posts():
    assert feed(NegativeSurge(), surge(MONDAY, 30)) == []  # no baseline yet: warm-up
    unlabelled = [Event(e.id, e.platform, e.time, e.text, e.terms, None) for e in surge(MONDAY + 6 * 86400, 30)]
    assert feed(NegativeSurge(), [*quiet(24 * 5), *unlabelled]) == []


def test_cooldown_holds_back_a_second_alert():
    background = quiet(24 * 5)
    end = background[-1].time
    events = [*background, *surge(end + 60, 20), *surge(end + 1.5 * HOUR, 20, prefix="t")]
    assert len(feed(NegativeSurge(cooldown=3 * HOUR), events)) == 1
    assert len(feed(NegativeSurge(cooldown=HOUR), events)) == 2


def test_sensitivity_raises_the_bar():
    background = quiet(24 * 5)
    mild = surge(background[-1].time + 60, 12)
    assert feed(NegativeSurge(), [*background, *mild])
    assert not feed(NegativeSurge(sensitivity=8.0), [*background, *mild])


def test_term_burst_names_the_hashtag():
    background = quiet(24 * 5)
    burst = surge(background[-1].time + 60, 15, sentiment="positive", terms=("#launch",))
    alerts = feed(TermBurst(), [*background, *burst])
    assert [a.key for a in alerts] == ["#launch"]
    assert alerts[0].summary.startswith("hashtag #launch:") and alerts[0].numbers["count"] >= 8
    assert all("#launch" in p["text"] for p in alerts[0].top_posts)
    assert alerts[0].top_terms[0] == ("#launch", alerts[0].numbers["count"])


def test_term_burst_ignores_terms_that_are_always_common():
    events = quiet(24 * 6, per_hour=12)  # word0..word39 recur all the time
    assert feed(TermBurst(), events) == []


def test_volume_spike_knows_the_daily_rhythm():
    days = []
    for day in range(14):  # a busy lunch hour every day: 20 posts between 12:00 and 13:00
        start = MONDAY + day * 86400
        days += quiet(24, per_hour=1, start=start)
        days += surge(start + 12 * HOUR + 30, 20, sentiment="neutral", prefix=f"lunch{day}-", every=170)
    days.sort(key=lambda e: e.time)
    assert feed(VolumeSpike(), days) == []  # lunch is busy every day: expected, not a spike
    night = surge(MONDAY + 14 * 86400 + 3 * HOUR, 20, sentiment="neutral", prefix="night")
    alerts = feed(VolumeSpike(), [*days, *night])
    assert [a.kind for a in alerts] == ["volume_spike"] and alerts[0].numbers["expected"] < 3


def test_new_topic_fires_once_per_unseen_topic():
    events = [Event(f"t{i}", "x", MONDAY + i * 60, "t", ("a",), None, topic=i % 2) for i in range(20)]
    events += [Event(f"n{i}", "x", MONDAY + 3600 + i * 60, "n", ("b",), None, topic=7) for i in range(6)]
    alerts = feed(NewTopic(known_topics=(0,)), events)
    assert [a.key for a in alerts] == ["topic:1", "topic:7"]


def test_detectors_resume_identically_after_pickling():
    background = quiet(24 * 5)
    events = [*background, *surge(background[-1].time + 60, 20, terms=("#fail",))]
    whole = [a.as_json() for d in default_detectors() for a in feed(d, events)]
    resumed = []
    for detector in default_detectors():
        resumed += [a.as_json() for a in feed(detector, events[:200])]
        copy = pickle.loads(pickle.dumps(detector))
        resumed += [a.as_json() for a in feed(copy, events[200:])]
    assert whole and resumed == whole


def test_default_detectors_take_the_shared_settings():
    detectors = default_detectors(sensitivity=2.0, cooldown=60.0, window=600.0)
    surge_detector = detectors[0]
    assert surge_detector.sensitivity == 8.0 and surge_detector.cooldown == 60.0 and surge_detector.window == 600.0
