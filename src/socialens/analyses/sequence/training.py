"""The training loop of the next-item models.

The project's generic ``Trainer`` wants one logits tensor ``(B, C)`` per example and one
label; these models predict at every position of a window at once (every prefix of a
sequence in one pass, which is what makes an epoch cheap) with a loss mask over positions,
and add a second loss for the next action kind. So the loop is written here, kept to
Adam (AdamW with weight decay), full-softmax cross-entropy over all items (by default
without the items each position has already seen), a constant or cosine learning rate,
and early stopping on validation NDCG@10.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from socialens.analyses.sequence.data import Windows
from socialens.errors import ConfigError, TrainingError
from socialens.progress import NoProgress, Progress


@dataclass
class LoopSettings:
    epochs: int = 50
    batch_size: int = 32
    lr: float = 1e-3
    patience: int = 5
    seed: int = 2020
    max_cpu_seconds: float | None = None  # stop after the epoch that passes this much training CPU time
    exclude_seen: bool = False  # leave items earlier in the window out of each position's softmax
    weight_decay: float = 0.0  # decoupled (AdamW)
    schedule: str = "constant"  # or "cosine": the learning rate falls to 0 over ``epochs`` epochs
    # Decay per step of an exponential moving average of the weights, which is what gets
    # validated and kept (0 = off): it smooths the epoch-to-epoch noise of a constant rate.
    ema: float = 0.0


@dataclass
class History:
    epochs: list[dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    best_valid: float = float("-inf")
    train_seconds: float = 0.0
    # CPU time of this process: a fair measure when other work shares the cores.
    train_cpu_seconds: float = 0.0

    @property
    def seconds_per_epoch(self) -> float:
        return self.train_seconds / max(1, len(self.epochs))

    @property
    def cpu_seconds_per_epoch(self) -> float:
        return self.train_cpu_seconds / max(1, len(self.epochs))


def window_loss(model: nn.Module, batch: dict[str, torch.Tensor], exclude_seen: bool = False) -> torch.Tensor:
    """Cross-entropy of the next item (over all items) and of the next action, at unmasked positions.

    With ``exclude_seen`` the items a position has already seen in its window get no share of
    its softmax: they are taken out of the ranking when the model is used, so the training
    loss should not spend capacity on ranking them low.
    """
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


def train_windows(
    model: nn.Module,
    windows: Windows,
    settings: LoopSettings,
    validate: Callable[[], float] | None = None,
    progress: Progress | None = None,
) -> History:
    """Train ``model`` in place; with ``validate`` keep the weights of the best epoch."""
    if len(windows) == 0:
        raise TrainingError("no training sequences: every user needs at least two interactions")
    progress = progress or NoProgress()
    generator = torch.Generator().manual_seed(settings.seed)
    optimizer, scheduler = _optimizer(model, settings, len(windows))
    tensors = {name: torch.from_numpy(np.ascontiguousarray(getattr(windows, name))) for name in _FIELDS}
    history, best_state, stale = History(), None, 0
    average = WeightAverage(model, settings.ema) if settings.ema > 0 else None
    for epoch in range(1, settings.epochs + 1):
        started, cpu_started = time.perf_counter(), time.process_time()
        loss = _run_epoch(model, optimizer, scheduler, tensors, settings, generator, average)
        if average is not None:
            average.swap()  # validate and keep the averaged weights
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        history.train_seconds += seconds
        history.train_cpu_seconds += cpu
        row: dict[str, Any] = {
            "epoch": epoch,
            "loss": round(loss, 5),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
        }
        progress.advance(1)
        if validate is not None:
            row["valid_ndcg@10"] = score = validate()
            if score > history.best_valid:
                history.best_valid, history.best_epoch, stale = score, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                stale += 1
        if average is not None:
            average.swap()  # back to the weights being trained
        history.epochs.append(row)
        if validate is not None and stale >= settings.patience:
            break
        if settings.max_cpu_seconds is not None and history.train_cpu_seconds >= settings.max_cpu_seconds:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    elif average is not None:
        average.swap()
    model.eval()
    return history


class WeightAverage:
    """An exponential moving average of a model's parameters, swapped in and out in place."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        if not 0.0 < decay < 1.0:
            raise ConfigError(f"ema={decay}: the weight-average decay must lie between 0 and 1 (0.995 is typical)")
        self.decay = decay
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.shadow = [p.detach().clone() for p in self.params]

    @torch.no_grad()
    def update(self) -> None:
        for p, s in zip(self.params, self.shadow, strict=True):
            s.lerp_(p.detach(), 1.0 - self.decay)

    @torch.no_grad()
    def swap(self) -> None:
        for p, s in zip(self.params, self.shadow, strict=True):
            tmp = p.detach().clone()
            p.copy_(s)
            s.copy_(tmp)


def _optimizer(
    model: nn.Module, settings: LoopSettings, n_windows: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    steps = settings.epochs * -(-n_windows // settings.batch_size)  # ceil: the last batch may be short
    return optimizer, _scheduler(optimizer, settings.schedule, steps)


def _scheduler(optimizer: torch.optim.Optimizer, schedule: str, steps: int) -> torch.optim.lr_scheduler.LRScheduler:
    """Per-step learning-rate factor: constant, or a cosine from 1 to 0 over ``steps``."""
    if schedule == "constant":
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    if schedule == "cosine":
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / steps)))
    raise ConfigError(f"unknown learning-rate schedule {schedule!r}; choose 'constant' or 'cosine'")


_FIELDS = ("items", "actions", "targets", "target_actions", "mask")


def _run_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    tensors: dict[str, torch.Tensor],
    settings: LoopSettings,
    generator: torch.Generator,
    average: WeightAverage | None = None,
) -> float:
    model.train()
    order = torch.randperm(len(tensors["items"]), generator=generator)
    total, batches = 0.0, 0
    for start in range(0, len(order), settings.batch_size):
        index = order[start : start + settings.batch_size]
        batch = {name: t[index] for name, t in tensors.items()}
        loss = window_loss(model, batch, settings.exclude_seen)
        if not torch.isfinite(loss):
            raise TrainingError(f"the loss stopped being a number ({loss.item()}); lower the learning rate")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        if average is not None:
            average.update()
        total += loss.item()
        batches += 1
    return total / max(1, batches)
