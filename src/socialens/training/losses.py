"""The loss of a batch under the trainer's contract: the model's own, or ``loss_fn`` of its logits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import torch
import torch.nn.functional as F

from socialens.errors import TrainingError
from socialens.training.evaluation import logits_of

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def loss_of(output: Any, batch: Mapping[str, Any], loss_fn: LossFn) -> torch.Tensor:
    """The loss a model returned (``(output, loss)`` with a scalar loss, or ``{"loss": ...}``),
    else ``loss_fn`` of its logits and the batch's ``"labels"``."""
    if isinstance(output, Mapping) and "loss" in output:
        return cast(torch.Tensor, output["loss"])
    if isinstance(output, tuple) and len(output) == 2 and isinstance(output[1], torch.Tensor) and output[1].ndim == 0:
        return output[1]
    if "labels" not in batch:
        raise TrainingError("the batch has no 'labels' and the model returned no loss: return (output, loss)")
    return loss_fn(logits_of(output), batch["labels"])


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The default loss: class ids ``(B,)`` or class probabilities ``(B, C)`` (e.g. a teacher's)."""
    return F.cross_entropy(logits, labels)


def batch_size(batch: Mapping[str, Any]) -> int:
    """Items in a batch (its labels, else its first entry), the weight of its loss in an average."""
    first = batch["labels"] if "labels" in batch else next(iter(batch.values()))
    return len(first)
