"""GRU4Rec (Hidasi et al., 2016), in its sequence-at-once form (as RecBole trains it).

A GRU reads the item sequence left to right; a dense layer maps each hidden state back to
the item-embedding space, where dot products with the (tied) item embeddings score the next
item. An optional head predicts the next action kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class GRU4RecConfig:
    n_items: int  # including the padding index 0
    n_actions: int = 0  # action kinds including padding 0; 0 or 2 (one kind) = no action input/head
    embedding_size: int = 64
    hidden_size: int = 128
    n_layers: int = 1
    dropout: float = 0.3


class GRU4Rec(nn.Module):
    def __init__(self, config: GRU4RecConfig) -> None:
        super().__init__()
        self.config = config
        e = config.embedding_size
        self.item_emb = nn.Embedding(config.n_items, e, padding_idx=0)
        with_actions = config.n_actions > 2
        self.action_emb = nn.Embedding(config.n_actions, e, padding_idx=0) if with_actions else None
        self.action_head = nn.Linear(e, config.n_actions) if with_actions else None
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = self._recurrent_layer(config)
        self.dense = nn.Linear(config.hidden_size, e)
        nn.init.xavier_normal_(self.item_emb.weight)

    def _recurrent_layer(self, config: GRU4RecConfig) -> nn.Module:
        return nn.GRU(config.embedding_size, config.hidden_size, config.n_layers, batch_first=True, bias=False)

    def forward(self, items: torch.Tensor, actions: torch.Tensor | None = None) -> torch.Tensor:
        """Output at each position ``(B, T, E)`` of left-padded item indices ``(B, T)``."""
        x = self.item_emb(items)  # (B, T, E)
        if self.action_emb is not None and actions is not None:
            x = x + self.action_emb(actions)
        out, _ = self.rnn(self.dropout(x))  # (B, T, H); left padding only delays the start
        return self.dense(out)  # (B, T, E)
