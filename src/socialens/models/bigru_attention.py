"""A bidirectional GRU over word vectors, pooled by additive (Bahdanau) attention, with a linear head.

The from-scratch sentiment model: small (about 1.5 M parameters, most of them the word
table) so that batch scoring on two CPU cores is fast, and its attention weights say which
tokens the prediction rests on, which is the explanation ``socialens explain`` shows.
Sequences are packed so the backward direction starts at each text's last real token and
padding never reaches the attention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from socialens.models.vocab import PAD_ID


@dataclass
class BiGRUAttentionConfig:
    vocab_size: int
    num_classes: int
    embed_dim: int = 100
    hidden: int = 64  # per direction; the attention and the head see 2 * hidden
    attention_dim: int = 64
    dropout: float = 0.3


class AdditiveAttention(nn.Module):
    """Attention pooling: ``score_t = v . tanh(W h_t + b)``, softmax over the real tokens only."""

    def __init__(self, in_dim: int, attention_dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_dim, attention_dim)
        self.score = nn.Linear(attention_dim, 1, bias=False)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``h`` (B, T, H) and ``mask`` (B, T), True on real tokens -> pooled (B, H), weights (B, T)."""
        scores = self.score(torch.tanh(self.proj(h))).squeeze(-1)  # (B, T)
        scores = scores.masked_fill(~mask, float("-inf"))
        # A row with no real token would be all -inf (NaN after softmax); it gets zero weights.
        weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)  # (B, T)
        pooled = torch.bmm(weights.unsqueeze(1), h).squeeze(1)  # (B, H)
        return pooled, weights


class BiGRUAttention(nn.Module):
    """``model(batch) -> logits (B, C)``; ``model.forward_with_attention(batch) -> (logits, weights)``.

    ``batch["input_ids"]`` is (B, T) long with ``<pad>`` = 0 after each text, ``batch["lengths"]``
    (B,) long the real token counts; other keys (``"labels"``) are ignored here.
    """

    def __init__(self, config: BiGRUAttentionConfig) -> None:
        super().__init__()
        self.config = config
        H = config.hidden
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=PAD_ID)
        self.dropout = nn.Dropout(config.dropout)
        self.gru = nn.GRU(config.embed_dim, H, batch_first=True, bidirectional=True)
        self.attention = AdditiveAttention(2 * H, config.attention_dim)
        self.head = nn.Linear(2 * H, config.num_classes)

    @torch.no_grad()
    def init_embeddings(self, vectors: torch.Tensor) -> None:
        """Start the word table from pretrained vectors (V, embed_dim), e.g. word2vec's."""
        if tuple(vectors.shape) != tuple(self.embedding.weight.shape):
            raise ValueError(
                f"vectors {tuple(vectors.shape)} do not fit the table {tuple(self.embedding.weight.shape)}"
            )
        self.embedding.weight.copy_(vectors)
        self.embedding.weight[PAD_ID].zero_()

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        return self.forward_with_attention(batch)[0]

    def forward_with_attention(self, batch: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (B, C) and attention weights (B, T): each row sums to 1 over its real tokens, 0 elsewhere."""
        ids, lengths = batch["input_ids"], batch["lengths"]
        T = ids.shape[1]
        x = self.dropout(self.embedding(ids))  # (B, T, E)
        # An empty text runs one padding step through the GRU; its attention is all zero, so
        # its logits are the head's bias: the class prior the training data taught it.
        packed = pack_padded_sequence(x, lengths.clamp(1, T).cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.gru(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=T)  # (B, T, 2H)
        mask = torch.arange(T, device=ids.device).unsqueeze(0) < lengths.unsqueeze(1)  # (B, T)
        pooled, weights = self.attention(h, mask)  # (B, 2H), (B, T)
        logits = self.head(self.dropout(pooled))  # (B, C)
        return logits, weights


def collate_ids(items: Sequence[tuple[Sequence[int], int | Sequence[float]]]) -> dict[str, torch.Tensor]:
    """Pad ``(token ids, label)`` pairs into a batch: input_ids (B, T), lengths (B,), labels.

    Labels are class ids (B,) long, or class probabilities (B, C) float (a teacher's, to distil).
    """
    lengths = torch.tensor([len(ids) for ids, _ in items], dtype=torch.long)
    width = max([1, *(len(ids) for ids, _ in items)])
    input_ids = torch.full((len(items), width), PAD_ID, dtype=torch.long)
    for row, (ids, _) in enumerate(items):
        input_ids[row, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
    soft = bool(items) and hasattr(items[0][1], "__len__")
    labels = torch.tensor([label for _, label in items], dtype=torch.float if soft else torch.long)
    return {"input_ids": input_ids, "lengths": lengths, "labels": labels}
