"""What the fine-tuned transformer classifiers (MiniLM, e5) share: validation hold-out, trainer settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

if TYPE_CHECKING:
    from socialens.training.trainer import TrainConfig

T = TypeVar("T")
L = TypeVar("L")


def hold_out(texts: Sequence[T], labels: Sequence[L], seed: int) -> tuple[list[T], list[L], list[T], list[L]]:
    """Training texts and labels, then a seeded random tenth of them held out for validation."""
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = max(1, len(texts) // 10)
    valid, train = order[:cut], order[cut:]
    return [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in valid], [labels[i] for i in valid]


def train_config(component: Any, batch_size: int) -> TrainConfig:
    """The generic trainer's settings from a fine-tuning component's same-named settings."""
    from socialens.training.trainer import TrainConfig

    return TrainConfig.of(component, batch_size=batch_size)
