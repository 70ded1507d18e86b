"""LSTM next-item model: GRU4Rec's design with an LSTM cell, for longer-range memory.

An LSTM reads the item sequence; a dense layer maps each state to the item-embedding space,
where dot products with the (tied) item embeddings score the next item. An optional head
predicts the next action kind. Everything but the cell is :class:`~socialens.models.gru4rec.GRU4Rec`.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from socialens.models.gru4rec import GRU4Rec, GRU4RecConfig


@dataclass
class LSTM4RecConfig(GRU4RecConfig):
    pass


class LSTM4Rec(GRU4Rec):
    def __init__(self, config: LSTM4RecConfig) -> None:
        super().__init__(config)

    def _recurrent_layer(self, config: GRU4RecConfig) -> nn.Module:
        return nn.LSTM(config.embedding_size, config.hidden_size, config.n_layers, batch_first=True)
