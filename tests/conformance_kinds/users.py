"""Conformance inputs for the user-level components: bot scorers, segmenters, node2vec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from socialens.component import Component

NAMES = ("suspicious.behaviour_score.v1", "suspicious.bot_classifier.v1", "segments.kmeans_segments.v1",
         "models.node2vec.v1")  # fmt: skip


def _row(i: int, bot: bool) -> dict[str, Any]:
    level = 0.9 if bot else 0.1 + 0.02 * i
    return {
        "platform": "x",
        "user_id": f"u{i}",
        "regularity": level,
        "duplicate_ratio": level,
        "shared_content": None if i % 3 == 0 else 0.2,
        "burst_share": level / 2,
        "follow_skew": level,
        "youth": None,
        "non_reciprocity": level,
    }


_TRAIN = [_row(i, bot=i % 4 == 0) for i in range(16)]
_LABELS = [int(i % 4 == 0) for i in range(16)]


def matches(component: Component) -> bool:
    return component.registry_name in NAMES


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    name = component.registry_name
    if name.startswith("suspicious."):
        return [_row(i, bot=i == 2) for i in range(6)], []
    if name.startswith("segments."):
        rng = np.random.default_rng(0)
        X = np.vstack([rng.normal(0, 0.1, (6, 3)), rng.normal(3, 0.1, (6, 3))])
        return X, np.zeros((0, 3))
    return [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (3, 4, 2.0), (4, 5, 1.0), (5, 3, 1.0), (2, 3, 1.0)], []


def run(component: Component, data: Any) -> list[Any]:
    c: Any = component
    name = component.registry_name
    if name == "suspicious.behaviour_score.v1":
        return list(c.fit(data).score(data))
    if name == "suspicious.bot_classifier.v1":
        return np.round(c.fit(_TRAIN, _LABELS).predict_proba(data), 6).tolist()
    if name.startswith("segments."):
        return list(c.fit(data).labels_.tolist())
    return np.round(c.fit(data).embeddings_, 5).tolist()
