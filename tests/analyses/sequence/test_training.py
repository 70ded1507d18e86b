"""The training loss: full softmax, and leaving items a position has already seen out of it."""

from __future__ import annotations

import pytest
import torch

from socialens.analyses.sequence.training import WindowObjective, _mask_seen, window_loss
from socialens.errors import ConfigError
from socialens.models.sasrec import SASRec, SASRecConfig
from socialens.training.optim import WeightAverage, lr_factor


def test_seen_items_and_padding_leave_the_softmax_but_the_answer_stays():
    items = torch.tensor([[0, 3, 1, 2]])  # (B, T), left-padded
    mask = torch.tensor([[False, True, True, True]])
    targets = torch.tensor([1, 2, 3])  # the last target repeats item 3, seen at position 1
    logits = torch.zeros(3, 5)
    out = _mask_seen(logits, items, mask, targets)
    inf = float("-inf")
    assert out.tolist() == [
        [inf, 0.0, 0.0, inf, 0.0],  # position 1 has seen item 3
        [inf, inf, 0.0, inf, 0.0],  # position 2 has seen 3 and 1
        [inf, inf, inf, 0.0, 0.0],  # position 3 has seen 3, 1, 2; 3 is its answer again
    ]


def test_excluding_seen_items_lowers_the_loss_and_keeps_gradients_finite():
    torch.manual_seed(0)
    model = SASRec(SASRecConfig(12, max_len=6, hidden_size=8, n_layers=1, n_heads=1, inner_size=16, dropout=0.0))
    items = torch.tensor([[0, 0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10]])
    batch = {
        "items": items,
        "actions": torch.zeros_like(items),
        "targets": torch.tensor([[0, 0, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]),
        "target_actions": torch.zeros_like(items),
        "mask": items > 0,
    }
    full, excluded = window_loss(model, batch), window_loss(model, batch, exclude_seen=True)
    assert excluded < full
    _, returned = WindowObjective(model, exclude_seen=True).eval()(batch)  # the trainer's (output, loss)
    assert returned.ndim == 0 and torch.equal(returned, excluded)
    excluded.backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_the_cosine_schedule_falls_to_zero_and_unknown_schedules_fail_clearly():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor("cosine", warmup=0, total=4))
    rates = []
    for _ in range(4):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert rates == pytest.approx([1.0, 0.8536, 0.5, 0.1464], abs=1e-4)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ConfigError):
        lr_factor("step", warmup=0, total=4)


def test_the_weight_average_follows_the_weights_and_swaps_in_and_out():
    model = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    average = WeightAverage(model, decay=0.5)
    with torch.no_grad():
        model.weight.fill_(1.0)
    average.update()  # 0.5 * 0 + 0.5 * 1
    average.update()  # 0.5 * 0.5 + 0.5 * 1
    average.swap()
    assert model.weight.tolist() == [[0.75, 0.75]]
    average.swap()
    assert model.weight.tolist() == [[1.0, 1.0]]
    with pytest.raises(ConfigError):
        WeightAverage(model, decay=1.0)
