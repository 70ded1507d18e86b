"""DCN-v2 (Wang et al., 2021): explicit feature crosses beside an MLP, over field embeddings.

Each cross layer computes ``x_{l+1} = x_0 * (W x_l + b) + x_l``: the degree of the crossed
features grows by one per layer, while the residual keeps lower degrees. The cross stack and
the MLP read the same concatenated embeddings in parallel, and a linear head scores both.
``low_rank`` factors ``W`` as ``U V^T`` (the paper's cheaper variant) when set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from socialens.models.deepfm import mlp


@dataclass
class DCNv2Config:
    num_features: int
    num_fields: int
    embed_dim: int = 16
    cross_layers: int = 3
    hidden: tuple[int, ...] = (256, 128)
    dropout: float = 0.2
    low_rank: int | None = None


class CrossLayer(nn.Module):
    def __init__(self, dim: int, low_rank: int | None) -> None:
        super().__init__()
        if low_rank is None:
            self.weight: nn.Module = nn.Linear(dim, dim)
        else:
            self.weight = nn.Sequential(nn.Linear(dim, low_rank, bias=False), nn.Linear(low_rank, dim))

    def forward(self, x0: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return x0 * self.weight(x) + x  # (B, D)


class DCNv2(nn.Module):
    """``model(batch) -> logits (B, 1)`` from ``batch["features"]`` (B, F) long."""

    def __init__(self, config: DCNv2Config) -> None:
        super().__init__()
        self.config = config
        dim = config.num_fields * config.embed_dim
        self.embedding = nn.Embedding(config.num_features, config.embed_dim, padding_idx=0)  # 0: absent
        self.cross = nn.ModuleList(CrossLayer(dim, config.low_rank) for _ in range(config.cross_layers))
        deep = mlp(dim, config.hidden, config.dropout)
        self.deep = deep[:-1]  # without its 1-unit output: the head scores cross and deep together
        deep_width = config.hidden[-1] if config.hidden else dim
        self.head = nn.Linear(dim + deep_width, 1)
        with torch.no_grad():
            nn.init.normal_(self.embedding.weight, std=0.01)
            self.embedding.weight[0].zero_()

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        x0 = self.embedding(batch["features"]).flatten(1)  # (B, F*E)
        x = x0
        for layer in self.cross:
            x = layer(x0, x)  # (B, F*E)
        deep = self.deep(x0)  # (B, H)
        return self.head(torch.cat([x, deep], dim=-1))  # (B, 1)
