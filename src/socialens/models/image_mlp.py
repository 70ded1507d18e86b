"""A multilayer perceptron over flattened pixels: the baseline the CNN is measured against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class ImageMLPConfig:
    num_classes: int = 10
    inputs: int = 28 * 28
    hidden: tuple[int, ...] = (512, 256)
    dropout: float = 0.2


class ImageMLP(nn.Module):
    def __init__(self, config: ImageMLPConfig) -> None:
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = config.inputs
        for size in config.hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(config.dropout)]
            width = size
        layers.append(nn.Linear(width, config.num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        return self.net(batch["pixels"])  # (B, C, H, W) -> (B, num_classes)
