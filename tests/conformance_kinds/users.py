"""Conformance inputs for the user-level components: bot scorers, segmenters, node2vec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from socialens.component import Component


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
    from socialens.analyses.segments.cluster import KMeansSegments
    from socialens.analyses.suspicious.score import BehaviourScore, BotClassifier
    from socialens.models.node2vec import Node2Vec

    return isinstance(component, BehaviourScore | BotClassifier | KMeansSegments | Node2Vec)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    from socialens.analyses.segments.cluster import KMeansSegments
    from socialens.analyses.suspicious.score import BehaviourScore, BotClassifier

    if isinstance(component, BehaviourScore | BotClassifier):
        return [_row(i, bot=i == 2) for i in range(6)], []
    if isinstance(component, KMeansSegments):
        rng = np.random.default_rng(0)
        X = np.vstack([rng.normal(0, 0.1, (6, 3)), rng.normal(3, 0.1, (6, 3))])
        return X, np.zeros((0, 3))
    return [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (3, 4, 2.0), (4, 5, 1.0), (5, 3, 1.0), (2, 3, 1.0)], []


def run(component: Component, data: Any) -> list[Any]:
    from socialens.analyses.segments.cluster import KMeansSegments
    from socialens.analyses.suspicious.score import BehaviourScore, BotClassifier

    c: Any = component
    if isinstance(component, BehaviourScore):
        return list(c.fit(data).score(data))
    if isinstance(component, BotClassifier):
        return np.round(c.fit(_TRAIN, _LABELS).predict_proba(data), 6).tolist()
    if isinstance(component, KMeansSegments):
        return list(c.fit(data).labels_.tolist())
    return np.round(c.fit(data).embeddings_, 5).tolist()
