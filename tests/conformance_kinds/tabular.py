"""Tabular predictors: click-through models (``ctr.*``) and engagement regressors (``engagement.*``).

A click-through model is fitted on a fixed small table of field indices with 0/1 labels and
scores rows; an engagement regressor is fitted on fixed features and text vectors and
predicts levels. Output: the scores, rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from socialens.component import Component

_RNG = np.random.default_rng(7)
_CTR_X = np.stack([_RNG.integers(0, 5, 64), _RNG.integers(5, 9, 64), _RNG.integers(9, 12, 64)], axis=1)
_CTR_Y = ((_CTR_X[:, 0] + _CTR_X[:, 2]) % 2).astype(np.float32)
_META = _RNG.normal(size=(60, 6))
_TEXT = _RNG.normal(size=(60, 10))
_LEVELS = np.stack([_META[:, 0] * 2 + 1, _META[:, 1] - _TEXT[:, 0]], axis=1)


def _click_through(component: Component) -> bool:
    from socialens.analyses.ctr.models import LogisticCtr, NeuralCtr

    return isinstance(component, NeuralCtr | LogisticCtr)


def matches(component: Component) -> bool:
    from socialens.analyses.engagement.model import EngagementRegressor

    return _click_through(component) or isinstance(component, EngagementRegressor)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    if _click_through(component):
        return _CTR_X[:16], np.zeros((0, 3), dtype=np.int64)
    return (_META[:12], _TEXT[:12]), (np.zeros((0, 6)), np.zeros((0, 10)))


def run(component: Any, data: Any) -> list[Any]:
    if _click_through(component):
        scores = component.fit(_CTR_X, _CTR_Y, num_features=12).predict_proba(data)
    else:
        meta, text = data
        scores = component.fit(_META, _LEVELS, _TEXT).predict(meta, text)
    return np.round(np.asarray(scores, dtype=float), 5).tolist()
