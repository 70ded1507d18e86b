"""DCN-v2: shapes, the cross layer's formula, the low-rank variant, one real epoch."""

from __future__ import annotations

import numpy as np
import torch

from socialens.analyses.ctr.models import DCNv2Ctr
from socialens.models.dcnv2 import CrossLayer, DCNv2, DCNv2Config
from tests.analyses.ctr.data import ctr_slice


def test_logits_have_one_column_per_row_full_and_low_rank():
    features = torch.randint(0, 30, (6, 5))
    for low_rank in (None, 3):
        model = DCNv2(DCNv2Config(num_features=30, num_fields=5, embed_dim=4, hidden=(8,), low_rank=low_rank))
        assert model({"features": features}).shape == (6, 1)


def test_cross_layer_is_x0_times_affine_of_x_plus_x():
    torch.manual_seed(0)
    layer = CrossLayer(4, low_rank=None)
    x0, x = torch.randn(2, 4), torch.randn(2, 4)
    assert isinstance(layer.weight, torch.nn.Linear)
    expected = x0 * (x @ layer.weight.weight.T + layer.weight.bias) + x
    assert torch.allclose(layer(x0, x), expected)


def test_one_epoch_on_a_slice_gives_probabilities():
    x, y, vx, vy, num_features = ctr_slice()
    model = DCNv2Ctr(train={"epochs": 1}, embed_dim=4, hidden=(16,), cross_layers=2).fit(
        x, y, valid=(vx, vy), num_features=num_features
    )
    p = model.predict_proba(vx)
    assert p.shape == (len(vx),) and np.all((p >= 0) & (p <= 1))
    assert model.get_params()["cross_layers"] == 2 and model.clone().get_params() == model.get_params()
