"""Evaluating a network on batches: logits and labels of a loader, macro-F1 (the trainer's default metric).

Shared by the trainer (validation after each epoch) and the models that score with a trained
network (``predict``); the model contract is the trainer's: ``model(batch)`` returns logits
``(B, C)``, or a tuple/dict whose first entry/``"logits"`` is them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import torch
from torch import nn
from torch.utils.data import DataLoader


def logits_of(output: Any) -> torch.Tensor:
    """A model's logits, whether it returns them alone, first in a tuple, or as ``"logits"``."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, Mapping):
        return cast(torch.Tensor, output["logits"])
    if isinstance(output, tuple | list):
        return cast(torch.Tensor, output[0])
    raise TypeError(f"model returned {type(output).__name__}; expected logits (B, C), a tuple or a dict")


def to_device(batch: Mapping[str, Any], device: torch.device) -> dict[str, Any]:
    return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}


@torch.no_grad()
def predict(model: nn.Module, loader: DataLoader[Any]) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits ``(N, C)`` and labels of every batch of ``loader``, on the CPU; leaves eval mode on."""
    model.eval()
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    logits, labels = [], []
    for raw in loader:
        batch = to_device(raw, device)
        logits.append(logits_of(model(batch)).float().cpu())
        labels.append(batch["labels"].cpu())
    return torch.cat(logits), torch.cat(labels)


def macro_f1(model: nn.Module, loader: DataLoader[Any]) -> float:
    """The default validation metric: macro-F1 of the argmax class."""
    logits, labels = predict(model, loader)
    if labels.ndim == 2:  # soft labels: score against their most likely class
        labels = labels.argmax(-1)
    return macro_f1_score(labels, logits.argmax(-1), logits.shape[-1])


def macro_f1_score(y_true: torch.Tensor, y_pred: torch.Tensor, n_classes: int) -> float:
    """Unweighted mean F1 over ``n_classes``, scikit-learn's definition with ``zero_division=0``
    (the same numbers as ``socialens.evaluate.metrics``; kept here so training needs nothing else)."""
    index = y_true.long() * n_classes + y_pred.long()
    matrix = torch.bincount(index, minlength=n_classes * n_classes).reshape(n_classes, n_classes).double()
    tp = matrix.diag()
    precision = torch.where(matrix.sum(0) > 0, tp / matrix.sum(0).clamp(min=1), 0.0)
    recall = torch.where(matrix.sum(1) > 0, tp / matrix.sum(1).clamp(min=1), 0.0)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both.clamp(min=1e-12), 0.0)
    return float(f1.mean())
