"""Model-agnostic training: the loop, checkpoints, tracking, and the on-disk model registry.

Names are loaded on first use, so ``from socialens.training import ModelRegistry`` (what
``socialens models list`` needs) does not import torch; only the trainer does.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real names; at run time they load on first use
    from socialens.training.checkpoint import CheckpointError
    from socialens.training.evaluation import macro_f1, predict
    from socialens.training.model_registry import (
        ModelCard,
        ModelCardError,
        ModelNotFoundError,
        ModelRegistry,
        default_models_dir,
        fingerprint,
    )
    from socialens.training.tracking import read_metrics, read_scalars
    from socialens.training.trainer import (
        TrainConfig,
        Trainer,
        TrainingError,
        TrainResult,
        seed_everything,
    )

_EXPORTS = {
    "TrainConfig": "trainer",
    "TrainResult": "trainer",
    "Trainer": "trainer",
    "TrainingError": "trainer",
    "macro_f1": "evaluation",
    "predict": "evaluation",
    "seed_everything": "trainer",
    "CheckpointError": "checkpoint",
    "read_metrics": "tracking",
    "read_scalars": "tracking",
    "ModelCard": "model_registry",
    "ModelCardError": "model_registry",
    "ModelNotFoundError": "model_registry",
    "ModelRegistry": "model_registry",
    "default_models_dir": "model_registry",
    "fingerprint": "model_registry",
}

__all__ = [
    "CheckpointError",
    "ModelCard",
    "ModelCardError",
    "ModelNotFoundError",
    "ModelRegistry",
    "TrainConfig",
    "TrainResult",
    "Trainer",
    "TrainingError",
    "default_models_dir",
    "fingerprint",
    "macro_f1",
    "predict",
    "read_metrics",
    "read_scalars",
    "seed_everything",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'socialens.training' has no attribute {name!r}")
    return getattr(import_module(f"socialens.training.{module}"), name)
