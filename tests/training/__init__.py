"""A small synthetic task and a tiny model shared by the training tests.

Each example holds ten token ids: two from its class's five signal tokens, one from another
class's (a distractor), seven noise tokens, with 5% of labels flipped. A model must learn which
tokens signal which class and outvote the distractor; chance is 1/3, the best possible about 0.96.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

N_CLASSES = 3
VOCAB = 100
SIGNALS = 5


def make_task(n: int, seed: int) -> list[dict[str, torch.Tensor]]:
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(n):
        label = int(rng.integers(N_CLASSES))
        other = int((label + rng.integers(1, N_CLASSES)) % N_CLASSES)
        signal = rng.integers(SIGNALS, size=2) + label * SIGNALS
        distractor = rng.integers(SIGNALS, size=1) + other * SIGNALS
        noise = rng.integers(N_CLASSES * SIGNALS, VOCAB, size=7)
        tokens = rng.permutation(np.concatenate([signal, distractor, noise]))
        if rng.random() < 0.05:
            label = other
        items.append({"tokens": torch.as_tensor(tokens, dtype=torch.long), "labels": torch.tensor(label)})
    return items


class BagOfTokens(nn.Module):
    """Mean of token embeddings -> dropout -> MLP; optionally returns (logits, weights) like an
    attention model would."""

    def __init__(self, dim: int = 16, dropout: float = 0.1, with_weights: bool = False) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, dim)
        self.dropout = nn.Dropout(dropout)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, N_CLASSES))
        self.with_weights = with_weights

    def forward(self, batch: dict[str, Any]) -> Any:
        vectors = self.embed(batch["tokens"])  # (B, T, D)
        logits = self.mlp(self.dropout(vectors.mean(1)))  # (B, C)
        if self.with_weights:
            return logits, torch.full(batch["tokens"].shape, 1 / batch["tokens"].shape[1])
        return logits


def accuracy(model: nn.Module, items: list[dict[str, torch.Tensor]]) -> float:
    model.eval()
    with torch.no_grad():
        tokens = torch.stack([i["tokens"] for i in items])
        labels = torch.stack([i["labels"] for i in items])
        out = model({"tokens": tokens})
        logits = out[0] if isinstance(out, tuple) else out
        return float((logits.argmax(-1) == labels).float().mean())
