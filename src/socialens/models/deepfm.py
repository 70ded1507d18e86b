"""DeepFM (Guo et al., 2017): a factorisation machine and an MLP over the same field embeddings.

The FM part scores every pair of fields by the dot product of their embeddings (the
user x item term is matrix factorisation), the MLP learns higher-order interactions, and a
linear term keeps each value's own bias. Input: one index per field into a shared table
(see ``socialens.datasets.ctr_features``), index 0 meaning "absent"; output: one click logit per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class DeepFMConfig:
    num_features: int  # rows of the shared table: every value of every field
    num_fields: int
    embed_dim: int = 16
    hidden: tuple[int, ...] = (256, 128)
    dropout: float = 0.2


def mlp(in_dim: int, hidden: Sequence[int], dropout: float) -> nn.Sequential:
    """Linear-ReLU-Dropout blocks ending in one output unit."""
    layers: list[nn.Module] = []
    for width in hidden:
        layers += [nn.Linear(in_dim, width), nn.ReLU(), nn.Dropout(dropout)]
        in_dim = width
    layers.append(nn.Linear(in_dim, 1))
    return nn.Sequential(*layers)


class DeepFM(nn.Module):
    """``model(batch) -> logits (B, 1)`` from ``batch["features"]`` (B, F) long."""

    def __init__(self, config: DeepFMConfig) -> None:
        super().__init__()
        self.config = config
        # Row 0 is "absent" (an off flag): a zero vector with no gradient, so it adds nothing.
        self.linear = nn.Embedding(config.num_features, 1, padding_idx=0)
        self.bias = nn.Parameter(torch.zeros(1))
        self.embedding = nn.Embedding(config.num_features, config.embed_dim, padding_idx=0)
        self.deep = mlp(config.num_fields * config.embed_dim, config.hidden, config.dropout)
        # Small starting vectors: with N(0, 1) the pairwise FM sum starts far from 0 and training
        # spends its first epoch undoing that.
        with torch.no_grad():
            nn.init.normal_(self.embedding.weight, std=0.01)
            nn.init.zeros_(self.linear.weight)
            self.embedding.weight[0].zero_()

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        x = batch["features"]  # (B, F)
        e = self.embedding(x)  # (B, F, E)
        first = self.linear(x).sum(dim=1) + self.bias  # (B, 1)
        # sum over pairs i<j of <e_i, e_j> = ((sum e)^2 - sum e^2) / 2, in O(F E)
        square_of_sum = e.sum(dim=1).pow(2)  # (B, E)
        sum_of_square = e.pow(2).sum(dim=1)  # (B, E)
        pairs = 0.5 * (square_of_sum - sum_of_square).sum(dim=1, keepdim=True)  # (B, 1)
        deep = self.deep(e.flatten(1))  # (B, 1)
        return first + pairs + deep
