"""SASRec (Kang & McAuley, 2018): causal self-attention over a user's item sequence.

Each position sees only the items before it and itself, so one pass over a sequence yields
a next-item prediction at every position. Item scores are dot products with the (tied)
item embeddings; an optional head predicts the next action kind (like / reply / repost ...).
Layers are post-norm with GELU, as in RecBole's implementation, so settings carry over.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class SASRecConfig:
    n_items: int  # including the padding index 0
    n_actions: int = 0  # action kinds including padding 0; 0 or 2 (one kind) = no action input/head
    max_len: int = 50
    hidden_size: int = 64
    n_layers: int = 2
    n_heads: int = 2
    inner_size: int = 256
    dropout: float = 0.5


class SASRec(nn.Module):
    def __init__(self, config: SASRecConfig) -> None:
        super().__init__()
        self.config = config
        h = config.hidden_size
        self.item_emb = nn.Embedding(config.n_items, h, padding_idx=0)
        self.position_emb = nn.Embedding(config.max_len, h)
        with_actions = config.n_actions > 2
        self.action_emb = nn.Embedding(config.n_actions, h, padding_idx=0) if with_actions else None
        self.action_head = nn.Linear(h, config.n_actions) if with_actions else None
        layer = nn.TransformerEncoderLayer(
            h,
            config.n_heads,
            config.inner_size,
            config.dropout,
            activation="gelu",
            batch_first=True,
            layer_norm_eps=1e-12,
        )
        self.encoder = nn.TransformerEncoder(layer, config.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(h, eps=1e-12)
        self.dropout = nn.Dropout(config.dropout)
        self.apply(_init_weights)

    def forward(self, items: torch.Tensor, actions: torch.Tensor | None = None) -> torch.Tensor:
        """Hidden state at each position ``(B, T, H)`` of left-padded item indices ``(B, T)``."""
        t = items.shape[1]
        positions = torch.arange(t, device=items.device).unsqueeze(0)  # (1, T)
        x = self.item_emb(items) + self.position_emb(positions)  # (B, T, H)
        if self.action_emb is not None and actions is not None:
            x = x + self.action_emb(actions)
        x = self.dropout(self.norm(x))
        # A position attends to earlier, non-padding positions and always to itself (so padded
        # rows never see an all-masked row, which would turn into NaN).
        causal = torch.ones(t, t, dtype=torch.bool, device=items.device).triu(1)  # (T, T)
        blocked = causal.unsqueeze(0) | (items == 0).unsqueeze(1)  # (B, T, T)
        blocked = blocked & ~torch.eye(t, dtype=torch.bool, device=items.device)
        mask = blocked.repeat_interleave(self.config.n_heads, dim=0)  # (B * heads, T, T)
        return self.encoder(x, mask=mask)  # (B, T, H)


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear | nn.Embedding):
        module.weight.data.normal_(mean=0.0, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        module.bias.data.zero_()
