"""Topic stages (``topics.*``): embedders, reducers, clusterers, representations, the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from socialens.component import Component
from socialens.kinds import Embedder

TEXTS = [
    *(f"the senate passed the budget bill vote {i}" for i in range(8)),
    *(f"great golf course opening in scotland {i}" for i in range(8)),
    *(f"jobs report shows the economy growing {i}" for i in range(8)),
    "服务很满意",
    "",
]


def matches(component: Component) -> bool:
    from socialens.analyses.topics.clusterers import Clusterer
    from socialens.analyses.topics.model import Topics
    from socialens.analyses.topics.reducers import Reducer
    from socialens.analyses.topics.representation import Representation

    return isinstance(component, Embedder | Reducer | Clusterer | Representation | Topics)


def _points() -> np.ndarray:
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 6)) * 5
    return np.vstack([c + rng.normal(size=(20, 6)) for c in centers]).astype(np.float32)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    from socialens.analyses.topics.clusterers import Clusterer
    from socialens.analyses.topics.reducers import Reducer

    if isinstance(component, Reducer | Clusterer):
        return _points(), np.zeros((0, 6), dtype=np.float32)
    return TEXTS, []


def run(component: Any, data: Any) -> list[Any]:
    from socialens.analyses.topics.clusterers import Clusterer
    from socialens.analyses.topics.reducers import Reducer
    from socialens.analyses.topics.representation import Representation

    if isinstance(component, Embedder):
        return np.round(component.fit(data).embed(data), 3).tolist()
    if isinstance(component, Reducer):
        return np.round(component.fit_transform(data), 3).tolist()
    if isinstance(component, Clusterer):
        return component.fit(data).labels_.tolist()
    if isinstance(component, Representation):
        labels = [i // 8 if i < 24 else -1 for i in range(len(data))]
        return sorted(component.fit(data, labels).keywords_.items())
    return component.fit_transform(data).tolist()
