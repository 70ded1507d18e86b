"""Next-item recommenders: trained on a few fixed sequences, then asked for the top 3 of histories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component

TRAIN = [["a", "b", "c", "d", "e"], ["b", "c", "d", "e", "a"], ["c", "d", "e", "a", "b"]] * 2
HISTORIES = [["a", "b"], ["c"], ["unknown"], []]


def matches(component: Component) -> bool:
    from socialens.analyses.sequence.recommender import NextItemRecommender

    return isinstance(component, NextItemRecommender)


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    return HISTORIES, []


def run(component: Component, histories: Any) -> list[Any]:
    component.set_params(train={"epochs": 2}, hidden_size=8, max_len=4)
    component.fit(TRAIN)  # type: ignore[attr-defined]
    recs = component.recommend(histories, k=3)  # type: ignore[attr-defined]
    return [[(item, round(p, 4)) for item, p in row] for row in recs]
