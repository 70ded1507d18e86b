"""A pretrained transformer encoder fine-tuned end to end with a classification head.

Mean pooling over real tokens (how all-MiniLM-L6-v2 was trained), dropout, one linear layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass
class TransformerClassifierConfig:
    num_labels: int = 3
    dropout: float = 0.1


class TransformerClassifier(nn.Module):
    def __init__(self, encoder: Any, config: TransformerClassifierConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(encoder.config.hidden_size, config.num_labels)

    def embed(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        mask = batch["attention_mask"]  # (B, T)
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=mask).last_hidden_state  # (B, T, H)
        weights = mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)  # (B, H)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.head(self.dropout(self.embed(batch)))  # (B, C)
