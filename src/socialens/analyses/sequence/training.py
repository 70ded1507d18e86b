"""What the next-item models add to the shared trainer: their loss, and their batches.

These models predict at every position of a window at once (every prefix of a sequence in one
pass, which is what makes an epoch cheap) with a loss mask over positions, and add a second
loss for the next action kind. :class:`WindowObjective` wraps a model so that it returns that
loss (the trainer's ``(output, loss)`` contract, as minGPT's models do); everything else
(AdamW, the constant or cosine learning rate, the weight average, early stopping on
validation NDCG@10, the CPU-time budget) is ``socialens.training.trainer``'s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from socialens.analyses.sequence.data import Windows

_FIELDS = ("items", "actions", "targets", "target_actions", "mask")


class WindowObjective(nn.Module):
    """A next-item model with its training loss: ``forward(batch) -> (hidden (B, T, H), loss)``."""

    def __init__(self, model: nn.Module, exclude_seen: bool = False) -> None:
        super().__init__()
        self.model = model
        self.exclude_seen = exclude_seen

    def forward(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.model(batch["items"], batch["actions"])  # (B, T, H)
        return hidden, window_loss(self.model, batch, self.exclude_seen, hidden)


class WindowBatches:
    """Batches of training windows: the trainer draws window indices, this gathers them as tensors."""

    def __init__(self, windows: Windows) -> None:
        self.tensors = {name: torch.from_numpy(np.ascontiguousarray(getattr(windows, name))) for name in _FIELDS}
        self.indices = range(len(windows))  # the trainer's dataset: one index per window

    def __call__(self, indices: list[int]) -> dict[str, torch.Tensor]:
        index = torch.as_tensor(indices, dtype=torch.long)
        return {name: t[index] for name, t in self.tensors.items()}


def window_loss(
    model: nn.Module, batch: dict[str, torch.Tensor], exclude_seen: bool = False, hidden: Any = None
) -> torch.Tensor:
    """Cross-entropy of the next item (over all items) and of the next action, at unmasked positions.

    With ``exclude_seen`` the items a position has already seen in its window get no share of
    its softmax: they are taken out of the ranking when the model is used, so the training
    loss should not spend capacity on ranking them low.
    """
    if hidden is None:
        hidden = model(batch["items"], batch["actions"])  # (B, T, H)
    mask = batch["mask"]
    h = hidden[mask]  # (M, H)
    item_emb: nn.Embedding = model.item_emb  # type: ignore[assignment]  # every next-item model has one
    logits = h @ item_emb.weight.T  # (M, N)
    targets = batch["targets"][mask]  # (M,)
    if exclude_seen:
        logits = _mask_seen(logits, batch["items"], mask, targets)
    loss = F.cross_entropy(logits, targets)
    head = getattr(model, "action_head", None)
    if head is not None:
        loss = loss + F.cross_entropy(head(h), batch["target_actions"][mask])
    return loss


def _mask_seen(logits: torch.Tensor, items: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``logits`` ``(M, N)`` with each position's earlier window items (and padding) at -inf."""
    t = items.shape[1]
    later = torch.ones(t, t, dtype=torch.bool, device=items.device).triu(1)  # (T, T): column after row
    seen = items.unsqueeze(1).expand(-1, t, -1).masked_fill(later, 0)[mask]  # (M, T); 0 pads
    seen = seen.masked_fill(seen == targets.unsqueeze(1), 0)  # a repeated item can still be the answer
    padding = torch.zeros_like(seen[:, :1])  # (M, 1): padding is never an answer
    return logits.scatter(1, torch.cat([padding, seen], dim=1), float("-inf"))
