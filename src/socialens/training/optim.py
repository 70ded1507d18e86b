"""The trainer's optimizer, learning-rate schedules and weight average (nanoGPT's rules)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from socialens.errors import ConfigError, TrainingError
from socialens.training.config import TrainConfig


def make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    # Weight decay on matrices only; decaying biases and norm scales hurts (nanoGPT's rule).
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise TrainingError(f"{type(model).__name__} has no trainable parameters")
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=cfg.lr)


def lr_factor(schedule: str, warmup: int, total: int) -> Callable[[int], float]:
    """Learning-rate factor per step: 0 -> 1 over ``warmup`` steps, then ``schedule`` over the rest:
    ``linear`` to 0 at ``total``, ``constant`` 1, ``cosine`` from 1 to 0 at ``total``."""
    if schedule not in ("linear", "constant", "cosine"):
        raise ConfigError(f"unknown learning-rate schedule {schedule!r}; choose linear, constant or cosine")

    def factor(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        if schedule == "constant":
            return 1.0
        done = (step - warmup) / max(1, total - warmup)
        if schedule == "cosine":
            return 0.5 * (1 + math.cos(math.pi * min(done, 1.0)))
        return max(0.0, 1.0 - done)

    return factor


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

    @torch.no_grad()
    def load(self, shadow: list[torch.Tensor]) -> None:
        for s, saved in zip(self.shadow, shadow, strict=True):
            s.copy_(saved)
