"""The three architectures: shapes, the action head, causality."""

from __future__ import annotations

import pytest
import torch

from socialens.models.gru4rec import GRU4Rec, GRU4RecConfig
from socialens.models.lstm4rec import LSTM4Rec, LSTM4RecConfig
from socialens.models.sasrec import SASRec, SASRecConfig

N_ITEMS, N_ACTIONS, T = 30, 5, 8


def _models() -> list[torch.nn.Module]:
    torch.manual_seed(0)
    return [
        SASRec(SASRecConfig(N_ITEMS, N_ACTIONS, max_len=T, hidden_size=16, n_layers=1, inner_size=32, dropout=0.0)),
        GRU4Rec(GRU4RecConfig(N_ITEMS, N_ACTIONS, embedding_size=16, hidden_size=24, dropout=0.0)),
        LSTM4Rec(LSTM4RecConfig(N_ITEMS, N_ACTIONS, embedding_size=16, hidden_size=24, dropout=0.0)),
    ]


@pytest.mark.parametrize("index", range(3))
def test_item_scores_and_action_head_shapes(index):
    model = _models()[index].eval()
    items = torch.randint(1, N_ITEMS, (4, T))
    items[0, :3] = 0  # left padding
    actions = torch.randint(1, N_ACTIONS, (4, T))
    hidden = model(items, actions)
    assert hidden.shape[:2] == (4, T)
    logits = hidden @ model.item_emb.weight.T
    assert logits.shape == (4, T, N_ITEMS)
    assert model.action_head(hidden).shape == (4, T, N_ACTIONS)
    assert torch.isfinite(hidden).all()


@pytest.mark.parametrize("index", range(3))
def test_a_position_never_sees_later_items(index):
    model = _models()[index].eval()
    items = torch.randint(1, N_ITEMS, (1, T))
    changed = items.clone()
    changed[0, -1] = (items[0, -1] % (N_ITEMS - 1)) + 1
    with torch.no_grad():
        before, after = model(items), model(changed)
    assert torch.allclose(before[:, :-1], after[:, :-1], atol=1e-6)
    assert not torch.allclose(before[:, -1], after[:, -1])


def test_one_action_kind_means_no_action_head():
    assert SASRec(SASRecConfig(N_ITEMS, n_actions=2, max_len=T)).action_head is None
    assert GRU4Rec(GRU4RecConfig(N_ITEMS, n_actions=0)).action_head is None
