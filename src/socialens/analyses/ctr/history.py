"""Behaviour-history features for click-through rows, from strictly earlier ratings only.

A row is (user, item, time). Its history is what was known just before that time: the
user's earlier ratings (which items, clicked or not) and the earlier ratings of everyone.
"Earlier" means a strictly smaller timestamp, so ratings given in the same second never see
each other and no row sees its own label. Test rows see the earlier test rows of the same
user, as a live system scoring the next rating would; never a later one.

Two kinds of features are appended to the base fields of ``socialens.datasets.ctr_features``:

- **statistic fields**, each a numeric value cut into quantile buckets (edges from the
  training part) and given its own indices after the base table, so every model reads them as
  one more categorical field (logistic regression: one-hot buckets);
- **the sequence**: the user's last ``length`` earlier items (their item-field indices, 0 =
  padding) and, beside them, the rating each got (1-5; 0 = padding): a past rating is known.

Row layout of the matrix every model takes: ``[base fields | statistic fields | items | flags]``;
``HistoryLayout`` says where each part starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socialens.datasets.ctr_features import CLICK_RATING

#: The statistic fields, in column order.
STATISTICS = (
    "user_count",  # log1p of the user's earlier ratings
    "user_rate",  # the user's earlier click rate, shrunk toward the training rate
    "user_recent_rate",  # click rate of the user's last 10 earlier ratings
    "user_genre_rate",  # the user's earlier click rate on the candidate's genres
    "user_mean_rating",  # the user's earlier mean rating (1-5), shrunk toward the training mean
    "item_count",  # log1p of the item's earlier ratings, all users
    "item_rate",  # the item's earlier click rate, all users
    "item_mean_rating",  # the item's earlier mean rating, all users
    "gap",  # log1p of the seconds since the user's previous rating
)
RECENT = 10
USER_PRIOR, ITEM_PRIOR, GENRE_PRIOR = 5.0, 10.0, 3.0  # pseudo-counts of the shrinkage


@dataclass
class HistoryLayout:
    """Where the parts of a row start: ``[0, base)`` base fields, ``[base, items)`` statistic
    fields, ``[items, items + length)`` history items, then as many click flags."""

    base: int
    statistics: int
    length: int

    @property
    def fields(self) -> int:
        return self.base + self.statistics

    def parts(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fields ``(N, F)``, history items ``(N, L)``, click flags ``(N, L)``."""
        f, n = self.fields, self.length
        return x[:, :f], x[:, f : f + n], x[:, f + n : f + 2 * n]


@dataclass
class HistoryEncoder:
    """Bucket edges of each statistic (fitted on training rows) and where its indices start."""

    edges: dict[str, list[float]] = field(default_factory=dict)
    offset: int = 0  # first index after the base table
    click_prior: float = 0.5  # the training part's click rate
    rating_prior: float = 3.5  # and mean rating

    @classmethod
    def fit(
        cls, values: dict[str, np.ndarray], offset: int, click_prior: float, rating_prior: float, bins: int = 10
    ) -> HistoryEncoder:
        edges = {}
        for name in STATISTICS:
            cuts = np.quantile(values[name], np.linspace(0, 1, bins + 1)[1:-1])
            edges[name] = np.unique(cuts).tolist()
        return cls(edges, offset, click_prior, rating_prior)

    @property
    def num_features(self) -> int:
        """Rows of the table including the base ones: each statistic has ``len(edges) + 1`` buckets."""
        return self.offset + sum(len(e) + 1 for e in self.edges.values())

    def transform(self, values: dict[str, np.ndarray]) -> np.ndarray:
        out, start = [], self.offset
        for name in STATISTICS:
            edges = np.asarray(self.edges[name])
            out.append(start + np.searchsorted(edges, values[name], side="right"))
            start += len(edges) + 1
        return np.stack(out, axis=1).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {"edges": self.edges, "offset": self.offset, "priors": [self.click_prior, self.rating_prior]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryEncoder:
        edges = {k: list(v) for k, v in data["edges"].items()}
        return cls(edges, int(data["offset"]), *(float(p) for p in data["priors"]))


@dataclass
class Log:
    """Known ratings, the past that histories are read from (the whole of MovieLens, in file
    order): ids, timestamps, ratings, each rated item's genre flags ``(N, G)`` and its index in
    the feature table (``item_index``, what the sequence holds)."""

    users: np.ndarray
    items: np.ndarray
    seconds: np.ndarray
    ratings: np.ndarray
    genres: np.ndarray
    item_index: np.ndarray


@dataclass
class Queries:
    """Rows to describe: who, which item (its genre flags ``(N, G)``), when."""

    users: np.ndarray
    items: np.ndarray
    seconds: np.ndarray
    genres: np.ndarray


_SHIFT = 34  # group ids above the seconds in one int64 key (seconds < 2**34, year 2514)


def _earlier(group: np.ndarray, log: Log, query_group: np.ndarray, query_seconds: np.ndarray) -> tuple[np.ndarray, ...]:
    """The log sorted by (group, time, item): ``order``, and for each query the sorted range
    ``[start, stop)`` of its group's rows with a strictly smaller timestamp."""
    order = np.lexsort((log.items, log.seconds, group))
    key = (group[order].astype(np.int64) << _SHIFT) + log.seconds[order]
    base = query_group.astype(np.int64) << _SHIFT
    start = np.searchsorted(key, base, side="left")
    stop = np.searchsorted(key, base + np.clip(query_seconds, 0, 2**_SHIFT - 1), side="left")
    return order, start, stop


def _earlier_sum(values: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Sum of sorted ``values[start:stop]`` per query (values may be 2-D: per column)."""
    cumulative = np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])
    return cumulative[stop] - cumulative[start]


def history_values(log: Log, queries: Queries, click_prior: float, rating_prior: float) -> dict[str, np.ndarray]:
    """Each statistic of every query from the log's strictly earlier rows. The priors (the
    training part's click rate and mean rating) are what little evidence is shrunk toward."""
    order, start, stop = _earlier(log.users, log, queries.users, queries.seconds)
    r = log.ratings[order].astype(np.float64)
    y = (r >= CLICK_RATING).astype(np.float64)
    count = (stop - start).astype(np.float64)
    recent_start = np.maximum(start, stop - RECENT)
    user_rate = (_earlier_sum(y, start, stop) + USER_PRIOR * click_prior) / (count + USER_PRIOR)
    g, candidate = log.genres[order].astype(np.float64), queries.genres.astype(np.float64)
    genre_n = (_earlier_sum(g, start, stop) * candidate).sum(axis=1)
    genre_clicks = (_earlier_sum(g * y[:, None], start, stop) * candidate).sum(axis=1)
    previous = log.seconds[order][np.maximum(stop - 1, 0)]
    out = {
        "user_count": np.log1p(count),
        "user_rate": user_rate,
        "user_recent_rate": (_earlier_sum(y, recent_start, stop) + click_prior) / (stop - recent_start + 1),
        "user_genre_rate": (genre_clicks + GENRE_PRIOR * user_rate) / (genre_n + GENRE_PRIOR),
        "user_mean_rating": (_earlier_sum(r, start, stop) + USER_PRIOR * rating_prior) / (count + USER_PRIOR),
        "gap": np.log1p(np.where(stop > start, np.maximum(queries.seconds - previous, 0), 10**8)),
    }
    order, start, stop = _earlier(log.items, log, queries.items, queries.seconds)
    r = log.ratings[order].astype(np.float64)
    y = (r >= CLICK_RATING).astype(np.float64)
    count = (stop - start).astype(np.float64)
    out["item_count"] = np.log1p(count)
    out["item_rate"] = (_earlier_sum(y, start, stop) + ITEM_PRIOR * click_prior) / (count + ITEM_PRIOR)
    out["item_mean_rating"] = (_earlier_sum(r, start, stop) + ITEM_PRIOR * rating_prior) / (count + ITEM_PRIOR)
    return out


def history_sequences(log: Log, queries: Queries, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Each query's user's last ``length`` strictly earlier items (``log.item_index`` values,
    oldest first, left-padded with 0) and their ratings (0 = padding), ``(N, length)`` each."""
    order, start, stop = _earlier(log.users, log, queries.users, queries.seconds)
    at = stop[:, None] - length + np.arange(length)  # (N, L) sorted positions
    valid = at >= start[:, None]
    at = np.where(valid, at, 0)
    sequence = np.where(valid, log.item_index[order][at], 0)
    ratings = np.where(valid, log.ratings[order][at], 0)
    return sequence.astype(np.int64), ratings.astype(np.int64)
