"""What the fine-tuned transformer classifiers (MiniLM, e5) share: validation hold-out, the
training run's settings (``train``) and the settings file they save."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
L = TypeVar("L")


def hold_out(texts: Sequence[T], labels: Sequence[L], seed: int) -> tuple[list[T], list[L], list[T], list[L]]:
    """Training texts and labels, then a seeded random tenth of them held out for validation."""
    order = np.random.default_rng(seed).permutation(len(texts))
    cut = max(1, len(texts) // 10)
    valid, train = order[:cut], order[cut:]
    return [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in valid], [labels[i] for i in valid]


def save_settings(component: Any, directory: Path) -> None:
    """``settings.pkl``: the component's settings as given."""
    (directory / "settings.pkl").write_bytes(pickle.dumps(component.get_params()))


def load_settings(directory: Path) -> dict[str, Any]:
    """The settings ``save_settings`` wrote; a folder saved before ``train`` was one setting
    (``epochs``, ``lr``, ``checkpoint_dir``... flat) loads the same."""
    from socialens.training.config import fold_train_settings

    return fold_train_settings(pickle.loads((directory / "settings.pkl").read_bytes()))
