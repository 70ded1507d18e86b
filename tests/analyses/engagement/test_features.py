"""Engagement features: history from strictly earlier posts only, and a clean split by time."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from socialens.analyses.engagement.features import HISTORY_FEATURES, Posts, history_features, split_by_time

T0 = datetime(2020, 1, 1, 12)


def _posts(counts: list[float], authors: list[str] | None = None, gaps: list[float] | None = None) -> Posts:
    hours = np.cumsum([0.0, *(gaps or [1.0] * (len(counts) - 1))])
    return Posts(
        authors or ["a"] * len(counts),
        [T0 + timedelta(hours=float(h)) for h in hours],
        counts,
        [2 * c for c in counts],
    )


def _column(name: str) -> int:
    return HISTORY_FEATURES.index(name)


def test_history_uses_only_earlier_posts():
    counts = [10.0, 100.0, 1000.0, 5.0, 7.0]
    base = history_features(_posts(counts))
    for i in range(len(counts)):
        # Change post i's own count and every later count: post i's features must not move.
        changed = counts[:i] + [c * 50 + 3 for c in counts[i:]]
        assert np.array_equal(history_features(_posts(changed))[: i + 1], base[: i + 1]), i
    assert base[0, _column("no_history")] == 1 and base[0, _column("retweets_mean_5")] == 0
    assert np.isclose(base[2, _column("retweets_mean_5")], np.mean(np.log1p([10.0, 100.0])))
    assert np.isclose(base[4, _column("favourites_mean_5")], np.mean(np.log1p([20.0, 200.0, 2000.0, 10.0])))


def test_posts_at_the_same_second_and_other_authors_are_not_history():
    posts = _posts([10.0, 20.0, 30.0, 40.0], authors=["a", "a", "b", "a"], gaps=[0.0, 1.0, 1.0])
    features = history_features(posts)
    assert features[0, _column("no_history")] == 1 and features[1, _column("no_history")] == 1  # same second
    assert features[2, _column("no_history")] == 1  # b's first post
    assert np.isclose(features[3, _column("retweets_mean_5")], np.mean(np.log1p([10.0, 20.0])))
    assert features[3, _column("log_previous_posts")] == np.log1p(2)


def test_unknown_counts_are_posts_but_not_in_the_means():
    features = history_features(_posts([10.0, float("nan"), 30.0]))
    assert np.isclose(features[2, _column("retweets_mean_5")], np.log1p(10.0))
    assert features[2, _column("log_previous_posts")] == np.log1p(2)


def test_split_by_time_trains_on_the_past():
    rng = np.random.default_rng(0)
    times = [T0 + timedelta(minutes=int(m)) for m in rng.integers(0, 500, size=300)]  # many shared minutes
    part = split_by_time(times)
    seconds = np.array([t.timestamp() for t in times])
    assert seconds[part == 0].max() < seconds[part == 1].min() < seconds[part == 2].min()
    assert seconds[part == 1].max() < seconds[part == 2].min()
    assert 0.75 < np.mean(part == 0) < 0.85 and np.mean(part == 2) > 0.05
    assert split_by_time([]).tolist() == []
