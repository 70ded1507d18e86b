"""Kleinberg bursts, the seasonal rate, the decayed count-min sketch and post terms."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from socialens.analyses.trends.baseline import SeasonalRate, share_score
from socialens.analyses.trends.burst import KleinbergBursts
from socialens.analyses.trends.sketch import DecayedCountMin
from socialens.analyses.trends.terms import post_terms

MONDAY = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


def test_kleinberg_marks_the_burst_and_nothing_else():
    relevant = [2, 1, 2, 3, 1, 2, 14, 18, 15, 2, 1, 2, 3, 2]
    model = KleinbergBursts().fit(relevant, [40] * len(relevant))
    assert [(b.start, b.end) for b in model.bursts_] == [(6, 8)]
    assert model.states_[6:9] == [1, 1, 1] and sum(model.states_) == 3
    assert model.bursts_[0].weight > 0


def test_kleinberg_uses_the_share_not_the_count():
    # The term's count triples where every post triples: its share is flat, so no burst.
    relevant = [2, 2, 6, 6, 2, 2]
    totals = [20, 20, 60, 60, 20, 20]
    assert KleinbergBursts().fit(relevant, totals).bursts_ == []
    assert KleinbergBursts().fit(relevant, [20] * 6).bursts_ != []


def test_kleinberg_gamma_makes_bursts_harder_to_start():
    relevant = [1, 1, 4, 1, 1, 1]
    assert KleinbergBursts(gamma=0.1).fit(relevant, [10] * 6).bursts_
    assert not KleinbergBursts(gamma=5.0).fit(relevant, [10] * 6).bursts_


def test_kleinberg_refuses_inconsistent_counts():
    with pytest.raises(ValueError, match="differ in length"):
        KleinbergBursts().fit([1, 2], [3])
    with pytest.raises(ValueError, match="between 0"):
        KleinbergBursts().fit([5], [3])


def test_seasonal_rate_learns_the_daily_rhythm():
    rate = SeasonalRate(warm_up=24)
    for hour in range(24 * 28):  # four weeks: busy afternoons, quiet nights
        moment = MONDAY + hour * 3600
        rate.update((moment, 30 if 12 <= hour % 24 < 18 else 3))
    afternoon, night = rate.expected(MONDAY + 14 * 3600), rate.expected(MONDAY + 3 * 3600)
    assert rate.ready and afternoon > 4 * night
    assert 20 < afternoon < 40 and 1 < night < 6


def test_seasonal_rate_learns_the_weekly_rhythm():
    rate = SeasonalRate()
    for hour in range(24 * 7 * 8):
        weekend = datetime.fromtimestamp(MONDAY + hour * 3600, UTC).weekday() >= 5
        rate.update((MONDAY + hour * 3600, 2 if weekend else 10))
    assert rate.expected(MONDAY + 2.5 * 86_400) > 3 * rate.expected(MONDAY + 5.5 * 86_400)


def test_share_score_follows_volume():
    # The same 10 posts with a term are unusual among 20 posts, ordinary among 1000.
    assert share_score(10, 20, 0.01)[1] > 5
    assert share_score(10, 1000, 0.01)[1] < 1


def test_count_min_never_undercounts_and_decays():
    sketch = DecayedCountMin(width=32, depth=4, half_life=100.0)
    truth = {f"term{i}": i + 1 for i in range(200)}
    for term, n in truth.items():
        sketch.add(term, time=0.0, count=n)
    assert all(sketch.estimate(t, 0.0) >= n - 1e-9 for t, n in truth.items())
    assert sketch.estimate("term5", 100.0) == pytest.approx(sketch.estimate("term5", 0.0) / 2)
    copy = pickle.loads(pickle.dumps(sketch))
    assert copy.estimate("term9", 50.0) == sketch.estimate("term9", 50.0)


def test_count_min_rescales_without_changing_answers():
    sketch = DecayedCountMin(width=16, depth=2, half_life=1.0)
    sketch.add("a", time=0.0, count=4)
    sketch.add("a", time=70.0, count=4)  # past the rescale point: old weight is gone, new stays
    assert sketch.estimate("a", 70.0) == pytest.approx(4.0)
    assert sketch.total(71.0) == pytest.approx(2.0)


def test_post_terms():
    assert post_terms("The WALL is going up! #BuildTheWall https://t.co/x @someone", ["BuildTheWall"]) == (
        "#buildthewall",
        "wall",
    )
    assert post_terms("") == ()
