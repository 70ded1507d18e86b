"""Late fusion: a text embedding and an image embedding, each projected, joined, classified.

Each modality has its own projection (linear, layer norm, ReLU, dropout) so neither
dominates by its width (384-d text vs 128- or 1280-d image); the joined vector goes through
a small head. A modality may be switched off (``use_text`` / ``use_image``), which gives the
single-modality baselines with the same head, trainer and split.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class LateFusionConfig:
    text_dim: int
    image_dim: int
    num_classes: int
    projection: int = 128
    hidden: int = 128
    dropout: float = 0.2
    use_text: bool = True
    use_image: bool = True


def _projection(inputs: int, outputs: int, dropout: float) -> nn.Module:
    return nn.Sequential(nn.Linear(inputs, outputs), nn.LayerNorm(outputs), nn.ReLU(), nn.Dropout(dropout))


class LateFusion(nn.Module):
    def __init__(self, config: LateFusionConfig) -> None:
        super().__init__()
        if not (config.use_text or config.use_image):
            raise ValueError("LateFusion needs at least one modality")
        self.config = config
        p = config.projection
        self.text = _projection(config.text_dim, p, config.dropout) if config.use_text else None
        self.image = _projection(config.image_dim, p, config.dropout) if config.use_image else None
        joined = p * (int(config.use_text) + int(config.use_image))
        self.head = nn.Sequential(
            nn.Linear(joined, config.hidden),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.hidden, config.num_classes),
        )

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        parts = []
        if self.text is not None:
            parts.append(self.text(batch["text"]))  # (B, projection)
        if self.image is not None:
            parts.append(self.image(batch["image"]))  # (B, projection)
        return self.head(torch.cat(parts, dim=-1))  # (B, num_classes)
