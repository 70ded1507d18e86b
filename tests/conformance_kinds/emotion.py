"""Emotion components: multi-label, so they train on their lexicon's weak labels, not on [1, 0, ...]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component

TRAIN = [
    "so happy and excited about the trip",
    "angry and disgusted by the terrible delay",
    "i fear the storm, scared of flying",
    "sad news, the flight was cancelled",
    "nothing to report today",
    "love this, great crew and good service",
] * 2
SCORE = ["happy trip", "terrible delay", "很满意", "", "😀"]


def matches(component: Component) -> bool:
    from socialens.analyses.emotion.bigru import BiGRUEmotion
    from socialens.analyses.emotion.stacked import StackedEmotion
    from socialens.analyses.emotion.weak_labels import LexiconEmotion

    return isinstance(component, BiGRUEmotion | LexiconEmotion | StackedEmotion)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    return SCORE, []


def run(component: Any, texts: Any) -> list[Any]:
    import numpy as np

    scored = component.fit(TRAIN).predict_proba(list(texts))
    return np.round(np.asarray(scored, dtype=float), 6).tolist()
