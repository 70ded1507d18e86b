"""Engagement features that only look back: posting time and the author's earlier posts.

History features of a post use only posts of the same author published strictly before it
(a post at the same second as another sees neither): the mean ``log1p`` retweet and
favourite counts of the author's last 5, 20 and 100 earlier posts, how many earlier posts
there were, the hours since the previous one and how many fell in the 24 hours before.
A post without history gets zeros and ``no_history = 1``.

Caveat: counts are as collected (for the bundled tweets, in 2018), so an earlier post's count
may include engagement that arrived after the later post was published.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

WINDOWS = (5, 20, 100)
TIME_FEATURES = ("hour_sin", "hour_cos", "weekday_sin", "weekday_cos")
HISTORY_FEATURES = (
    *(f"{kind}_mean_{w}" for kind in ("retweets", "favourites") for w in WINDOWS),
    "log_previous_posts",
    "log_hours_since_previous",
    "posts_previous_24h",
    "no_history",
)
TARGETS = ("retweets", "favourites")


@dataclass(frozen=True)
class Posts:
    """Parallel columns of posts (any order); a count may be NaN (unknown, e.g. a post being scored)."""

    authors: Sequence[str]
    times: Sequence[datetime]
    retweets: Sequence[float]
    favourites: Sequence[float]


def time_features(times: Sequence[datetime]) -> np.ndarray:
    """``(N, 4)``: hour of day and weekday as points on a circle (23:00 is next to 00:00)."""
    hours = np.array([t.hour + t.minute / 60 for t in times], dtype=np.float64)
    weekdays = np.array([t.weekday() for t in times], dtype=np.float64)
    a, b = 2 * np.pi * hours / 24, 2 * np.pi * weekdays / 7
    return np.stack([np.sin(a), np.cos(a), np.sin(b), np.cos(b)], axis=1) if len(times) else np.zeros((0, 4))


def history_features(posts: Posts) -> np.ndarray:
    """``(N, len(HISTORY_FEATURES))`` in the input's row order, from strictly earlier posts only."""
    n = len(posts.authors)
    out = np.zeros((n, len(HISTORY_FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    seconds = np.array([t.timestamp() for t in posts.times], dtype=np.float64)
    authors = np.asarray([str(a) for a in posts.authors])
    logs = np.log1p(np.stack([np.asarray(posts.retweets, float), np.asarray(posts.favourites, float)], axis=1))
    order = np.lexsort((seconds, authors))
    sorted_authors = authors[order]
    starts = np.r_[0, np.flatnonzero(sorted_authors[1:] != sorted_authors[:-1]) + 1, n]
    for lo, hi in itertools.pairwise(starts):
        rows = order[lo:hi]
        out[rows] = _author_history(seconds[rows], logs[rows])
    return out


def _author_history(seconds: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """One author's posts in time order: ``seconds`` (n,), ``logs`` (n, 2) -> (n, features).

    A post whose count is unknown (NaN: a post being scored) counts as a post but not in the means.
    """
    n = len(seconds)
    earlier = np.searchsorted(seconds, seconds, side="left")  # posts strictly before each one
    known = ~np.isnan(logs)
    sums = np.vstack([np.zeros((1, 2)), np.cumsum(np.where(known, logs, 0.0), axis=0)])  # (n+1, 2)
    counts = np.vstack([np.zeros((1, 2)), np.cumsum(known, axis=0)])  # (n+1, 2)
    columns = []
    for kind in range(2):
        for w in WINDOWS:
            first = np.maximum(earlier - w, 0)
            taken = counts[earlier, kind] - counts[first, kind]
            columns.append((sums[earlier, kind] - sums[first, kind]) / np.maximum(taken, 1))
    previous = np.where(earlier > 0, seconds[np.maximum(earlier - 1, 0)], np.nan)
    hours = np.nan_to_num(np.log1p(np.maximum(seconds - previous, 0) / 3600), nan=0.0)
    last_day = earlier - np.searchsorted(seconds, seconds - 86_400, side="left")
    columns += [np.log1p(earlier), hours, last_day.astype(float), (counts[earlier].sum(1) == 0).astype(float)]
    out = np.stack(columns, axis=1)
    assert out.shape == (n, len(HISTORY_FEATURES))
    return out


def meta_features(posts: Posts) -> np.ndarray:
    """Time then history features, ``(N, 4 + len(HISTORY_FEATURES))``: the baseline's whole input."""
    return np.hstack([time_features(posts.times), history_features(posts)])


def targets(posts: Posts) -> np.ndarray:
    """``(N, 2)`` ``log1p`` retweet and favourite counts: the engagement level the models predict."""
    return np.log1p(np.stack([np.asarray(posts.retweets, float), np.asarray(posts.favourites, float)], axis=1))


def split_by_time(times: Sequence[datetime], valid: float = 0.1, test: float = 0.1) -> np.ndarray:
    """Part of each post: 0 train (oldest), 1 validation, 2 test (newest). A cut never separates
    posts of the same second, so every training post is strictly older than every test post."""
    seconds = np.array([t.timestamp() for t in times], dtype=np.float64)
    ordered = np.sort(seconds)
    n = len(seconds)
    part = np.zeros(n, dtype=np.int64)
    if n == 0:
        return part
    for index, share in ((1, valid + test), (2, test)):
        cut = ordered[min(n - 1, int(np.floor(n * (1 - share))))]
        part[seconds >= cut] = index
    return part
