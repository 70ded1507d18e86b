"""A small slice of the real click-through split, loaded once per test session."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from socialens.datasets.ctr_features import CtrSplit, load_ctr_split


@lru_cache(maxsize=1)
def small_split() -> CtrSplit:
    return load_ctr_split(limit=3000)


def ctr_slice() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """3,000 training rows, 1,000 validation rows and the table size."""
    s = small_split()
    return s.train_x, s.train_y, s.valid_x[:1000], s.valid_y[:1000], s.encoder.num_features
