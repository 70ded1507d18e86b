"""Text classifiers (``socialens.kinds.TextClassifier``): trained on a few labelled texts, then scored.

Last in the order: other kinds with ``predict_proba`` (click-through models, the bot classifier)
are told apart by their base classes first. Output: the class probabilities, rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component
from socialens.kinds import TextClassifier

TRAIN_TEXTS = ["great service, love it", "terrible delay, hate it", "服务很满意", "房间很脏，太差了"] * 2
TRAIN_LABELS = [1, 0, 1, 0] * 2
SCORE_TEXTS = ["love the service", "hate the delay", "很满意", "太差", "", "😀"]


def matches(component: Component) -> bool:
    return isinstance(component, TextClassifier)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    return SCORE_TEXTS, []


def run(component: Any, texts: Any) -> list[Any]:
    import numpy as np

    scored = component.fit(TRAIN_TEXTS, TRAIN_LABELS).predict_proba(list(texts))
    return np.round(np.asarray(scored, dtype=float), 6).tolist()
