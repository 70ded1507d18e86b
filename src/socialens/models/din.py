"""DIN (Zhou et al., 2018): the user's earlier items, pooled with attention against the candidate.

Each earlier item is its item embedding plus an embedding of the rating it got. A small
MLP scores every earlier item against the candidate item from ``[q, k, q * k, q - k]``, and the
masked softmax of those scores pools the history into one interest vector per row, so the same
history reads differently for each candidate (liking three thrillers says much about a fourth
thriller and little about a musical). The interest vector joins the field embeddings in a
DeepFM head: linear term, pairwise factorisation machine, MLP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from socialens.models.deepfm import mlp


@dataclass
class DINConfig:
    num_features: int  # rows of the shared table: every value of every field
    num_fields: int
    embed_dim: int = 32
    hidden: tuple[int, ...] = (256, 128)
    dropout: float = 0.3
    attention_hidden: int = 64
    item_field: int = 1  # the column of ``features`` holding the candidate item


class DIN(nn.Module):
    """``model(batch) -> logits (B, 1)`` from ``batch["features"]`` (B, F), ``batch["history"]``
    (B, L) item indices (0 = padding) and ``batch["flags"]`` (B, L): their ratings 1-5, 0 padding."""

    def __init__(self, config: DINConfig) -> None:
        super().__init__()
        self.config = config
        dim = config.embed_dim
        self.linear = nn.Embedding(config.num_features, 1, padding_idx=0)
        self.bias = nn.Parameter(torch.zeros(1))
        self.embedding = nn.Embedding(config.num_features, dim, padding_idx=0)
        self.flag = nn.Embedding(6, dim, padding_idx=0)  # the earlier rating, 1-5
        self.attention = nn.Sequential(nn.Linear(4 * dim, config.attention_hidden), nn.ReLU())
        self.score = nn.Linear(config.attention_hidden, 1)
        self.deep = mlp((config.num_fields + 1) * dim, config.hidden, config.dropout)
        with torch.no_grad():
            nn.init.normal_(self.embedding.weight, std=0.01)
            nn.init.normal_(self.flag.weight, std=0.01)
            nn.init.zeros_(self.linear.weight)
            self.embedding.weight[0].zero_()
            self.flag.weight[0].zero_()

    def interest(self, candidate: torch.Tensor, history: torch.Tensor, flags: torch.Tensor) -> torch.Tensor:
        """Attention-pooled history ``(B, E)``; zero for a row without history."""
        keys = self.embedding(history) + self.flag(flags)  # (B, L, E)
        q = candidate.unsqueeze(1).expand_as(keys)  # (B, L, E)
        scores = self.score(self.attention(torch.cat([q, keys, q * keys, q - keys], dim=-1))).squeeze(-1)  # (B, L)
        present = flags > 0
        scores = scores.masked_fill(~present, float("-inf"))
        # A row with no earlier items would softmax over nothing (NaN); give it zeros instead.
        weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)  # (B, L)
        return torch.einsum("bl,ble->be", weights, keys)

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        x = batch["features"]  # (B, F)
        e = self.embedding(x)  # (B, F, E)
        if "history" in batch:
            u = self.interest(e[:, self.config.item_field], batch["history"], batch["flags"])  # (B, E)
        else:
            u = e.new_zeros(e.shape[0], e.shape[2])
        e = torch.cat([e, u.unsqueeze(1)], dim=1)  # (B, F + 1, E)
        first = self.linear(x).sum(dim=1) + self.bias  # (B, 1)
        pairs = 0.5 * (e.sum(dim=1).pow(2) - e.pow(2).sum(dim=1)).sum(dim=1, keepdim=True)  # (B, 1)
        return first + pairs + self.deep(e.flatten(1))  # (B, 1)
