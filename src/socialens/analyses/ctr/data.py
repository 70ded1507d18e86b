"""The click-through split with behaviour history: the reference split's rows, plus the
statistic fields and the earlier-items sequence of ``socialens.analyses.ctr.history``.

Rows, labels and the per-user time split of ``socialens.datasets.ctr_features``;
only columns are added. ``history=0`` gives the reference matrices unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialens.analyses.ctr.history import (
    STATISTICS,
    HistoryEncoder,
    HistoryLayout,
    Log,
    Queries,
    history_sequences,
    history_values,
)
from socialens.datasets.ctr_features import (
    CLICK_RATING,
    FIELDS,
    GENRES,
    PROCEDURE,
    CtrEncoder,
    load_movielens_columns,
    split_per_user_by_time,
)

HISTORY_PROCEDURE = (
    " History (strictly earlier timestamps only, the row's own label never): the user's last {length} "
    "earlier items with their ratings, and 10-quantile buckets (edges from the training part) "
    "of: " + ", ".join(STATISTICS) + "."
)


@dataclass
class HistorySplit:
    encoder: CtrEncoder
    history: HistoryEncoder | None
    layout: HistoryLayout
    train_x: np.ndarray  # (N, F + 2L) int64: fields, history items, click flags
    train_y: np.ndarray
    valid_x: np.ndarray
    valid_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    procedure: str
    data_hash: str

    @property
    def num_features(self) -> int:
        return self.history.num_features if self.history else self.encoder.num_features

    def sizes(self) -> tuple[int, int, int]:
        return len(self.train_y), len(self.valid_y), len(self.test_y)

    def encoders(self) -> dict[str, Any]:
        """What scoring new rows needs besides the model, as plain JSON."""
        return {
            "fields": self.encoder.to_dict(),
            "history": self.history.to_dict() if self.history else None,
            "length": self.layout.length,
        }


def load_ratings() -> np.ndarray:
    """Every rating (1-5) in file order, the order of ``load_movielens_columns``."""
    import pyarrow.parquet as pq

    from socialens.datasets.movielens import bundled_file

    return pq.read_table(bundled_file("data"), columns=["rating"]).column("rating").to_numpy().astype(np.int64)


def movielens_log(columns: dict[str, np.ndarray], seconds: np.ndarray, item_index: np.ndarray) -> Log:
    """Every MovieLens rating as the known past (``columns``, ``seconds`` from ``load_movielens_columns``)."""
    return Log(
        columns["user"].astype(np.int64),
        columns["item"].astype(np.int64),
        seconds,
        load_ratings(),
        np.stack([columns[f"genre:{g}"] == "1" for g in GENRES], axis=1),
        item_index,
    )


def history_columns(log: Log, queries: Queries, encoder: HistoryEncoder, length: int) -> np.ndarray:
    """The columns history adds to each query row: statistic fields, earlier items, their ratings."""
    values = history_values(log, queries, encoder.click_prior, encoder.rating_prior)
    sequence, ratings = history_sequences(log, queries, length)
    return np.concatenate([encoder.transform(values), sequence, ratings], axis=1)


def load_history_split(history: int = 50, limit: int | None = None, seed: int = 42) -> HistorySplit:
    """The reference split; with ``history > 0`` each row also carries its statistic fields and
    its last ``history`` earlier items. ``limit`` keeps a seeded random ``limit`` training rows."""
    columns, labels, seconds = load_movielens_columns()
    users, items = columns["user"].astype(np.int64), columns["item"].astype(np.int64)
    part = split_per_user_by_time(users, seconds, items)
    train_rows = np.flatnonzero(part == 0)
    procedure = PROCEDURE
    if limit is not None and limit < len(train_rows):
        train_rows = np.sort(np.random.default_rng(seed).choice(train_rows, size=limit, replace=False))
        procedure += f" Training part cut to a random {limit:,} rows (seed {seed})."
    encoder = CtrEncoder.fit({name: values[train_rows] for name, values in columns.items()})
    x = encoder.transform(columns)
    layout = HistoryLayout(len(FIELDS), 0, 0)
    history_encoder = None
    if history > 0:
        log = movielens_log(columns, seconds, x[:, 1])
        queries = Queries(log.users, log.items, log.seconds, log.genres)
        r = log.ratings[train_rows]
        priors = float((r >= CLICK_RATING).mean()), float(r.mean())
        values = history_values(log, queries, *priors)
        history_encoder = HistoryEncoder.fit(
            {k: v[train_rows] for k, v in values.items()}, encoder.num_features, *priors
        )
        x = np.concatenate([x, history_columns(log, queries, history_encoder, history)], axis=1)
        layout = HistoryLayout(len(FIELDS), len(STATISTICS), history)
        procedure += HISTORY_PROCEDURE.format(length=history)
    valid_rows, test_rows = np.flatnonzero(part == 1), np.flatnonzero(part == 2)
    digest = hashlib.sha256()
    for rows in (train_rows, valid_rows, test_rows):
        digest.update(x[rows].tobytes() + labels[rows].tobytes())
    return HistorySplit(
        encoder, history_encoder, layout,
        x[train_rows], labels[train_rows],
        x[valid_rows], labels[valid_rows],
        x[test_rows], labels[test_rows],
        procedure,
        "sha256:" + digest.hexdigest()[:16],
    )  # fmt: skip
