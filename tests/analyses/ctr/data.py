"""A small slice of the real click-through split (with history), loaded once per test session."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from socialens.analyses.ctr.data import HistorySplit, load_history_split

HISTORY = 20


@lru_cache(maxsize=1)
def small_split() -> HistorySplit:
    return load_history_split(HISTORY, limit=3000)


def ctr_slice(sequence: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """3,000 training rows, 1,000 validation rows and the table size. Rows hold the fields and
    statistic fields (what ``history=0`` models read); with ``sequence`` also the last 20
    earlier items and their ratings (for ``history=HISTORY``)."""
    s = small_split()
    end = s.train_x.shape[1] if sequence else s.layout.fields
    return s.train_x[:, :end], s.train_y, s.valid_x[:1000, :end], s.valid_y[:1000], s.num_features
