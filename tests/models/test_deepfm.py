"""DeepFM: shapes, the O(F E) pairwise term against the explicit sum over pairs, one real epoch."""

from __future__ import annotations

import numpy as np
import torch

from socialens.analyses.ctr.models import DeepFMCtr
from socialens.models.deepfm import DeepFM, DeepFMConfig
from tests.analyses.ctr.data import ctr_slice


def test_logits_have_one_column_per_row():
    torch.manual_seed(0)
    model = DeepFM(DeepFMConfig(num_features=30, num_fields=4, embed_dim=8, hidden=(16,)))
    features = torch.randint(0, 30, (5, 4))
    assert model({"features": features}).shape == (5, 1)


@torch.no_grad()
def test_pairwise_term_is_the_sum_of_dot_products_over_field_pairs():
    torch.manual_seed(0)
    model = DeepFM(DeepFMConfig(num_features=20, num_fields=3, embed_dim=4, hidden=())).eval()
    torch.nn.init.normal_(model.embedding.weight)
    features = torch.tensor([[1, 7, 12]])
    e = model.embedding(features)[0]
    explicit = sum(float(e[i] @ e[j]) for i in range(3) for j in range(i + 1, 3))
    # With no hidden layer, deep = a linear map of the embeddings; subtract it and the first-order terms.
    deep = float(model.deep(e.flatten().unsqueeze(0)))
    first = float(model.linear(features).sum() + model.bias)
    total = float(model({"features": features}))
    assert abs(total - (first + explicit + deep)) < 1e-5


def test_one_epoch_on_a_slice_gives_probabilities():
    x, y, vx, vy, num_features = ctr_slice()
    model = DeepFMCtr(train={"epochs": 1}, embed_dim=4, hidden=(16,))
    model.fit(x, y, valid=(vx, vy), num_features=num_features)
    p = model.predict_proba(vx)
    assert p.shape == (len(vx),) and np.all((p >= 0) & (p <= 1))
    assert model.training_.epochs_run == 1
