"""The trainer's contract beyond classification: models that return their loss, runs without a
validation set, CPU budgets, weight averages, and fits that depend on their seed alone."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from socialens.training.checkpoint import LAST, load_checkpoint
from socialens.training.evaluation import macro_f1
from socialens.training.trainer import TrainConfig, Trainer
from tests.training import BagOfTokens, accuracy, make_task

TRAIN, VALID, TEST = make_task(600, seed=1), make_task(150, seed=2), make_task(300, seed=3)


class LossReturning(nn.Module):
    """minGPT's contract: ``forward(batch) -> (logits, loss)``; the targets are not under ``labels``."""

    def __init__(self) -> None:
        super().__init__()
        self.net = BagOfTokens(dropout=0.2)

    def forward(self, batch: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.net(batch)
        return logits, nn.functional.cross_entropy(logits, batch["target"])


def _renamed(items: list[dict[str, torch.Tensor]]) -> list[dict[str, torch.Tensor]]:
    return [{"tokens": i["tokens"], "target": i["labels"]} for i in items]


def _weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _accuracy_metric(model: nn.Module, loader: Any) -> float:
    assert loader is None  # no valid set was given: the metric scores the model its own way
    return accuracy(model.net, VALID)  # type: ignore[arg-type]


def test_a_model_that_returns_its_loss_trains_on_it() -> None:
    result = Trainer(TrainConfig(epochs=10, batch_size=32, lr=1e-2, patience=4)).fit(
        LossReturning, _renamed(TRAIN), metric_fn=_accuracy_metric, progress=False
    )
    assert isinstance(result.model, LossReturning)
    assert accuracy(result.model.net, TEST) > 0.8
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.best_metric == max(r["valid_metric"] for r in result.history)


def test_fits_with_the_same_seed_give_the_same_weights_whatever_ran_before() -> None:
    # Issue 15: a result flipped sign with the order models were trained in. Fit A, then B (other
    # seed, other model), then draw from every global generator, then A again: A is unchanged.
    def fit(seed: int, dim: int) -> dict[str, torch.Tensor]:
        config = TrainConfig(epochs=2, batch_size=50, seed=seed)
        return _weights(Trainer(config).fit(lambda: BagOfTokens(dim=dim), TRAIN, VALID, progress=False).model)

    first = fit(1, 16)
    fit(2, 8)
    torch.rand(100), np.random.rand(100), random.random()
    assert _same(fit(1, 16), first)
    assert not _same(fit(3, 16), first)  # the seed, and only the seed, decides


def test_a_fit_leaves_the_callers_random_numbers_alone() -> None:
    def draws() -> tuple[list[float], list[float], float]:
        return torch.rand(3).tolist(), np.random.rand(3).tolist(), random.random()

    torch.manual_seed(5), np.random.seed(5), random.seed(5)
    expected = draws()
    torch.manual_seed(5), np.random.seed(5), random.seed(5)
    Trainer(TrainConfig(epochs=1, batch_size=100)).fit(lambda: BagOfTokens(dropout=0.5), TRAIN, VALID, progress=False)
    assert draws() == expected


def test_without_validation_every_epoch_runs_and_the_last_weights_stay() -> None:
    result = Trainer(TrainConfig(epochs=3, batch_size=100, patience=1)).fit(BagOfTokens(), TRAIN, progress=False)
    assert (result.epochs_run, result.best_epoch, result.stopped_early) == (3, 0, False)
    assert all(math.isnan(r["valid_metric"]) for r in result.history)


def test_a_cpu_budget_stops_after_the_epoch_that_spends_it() -> None:
    result = Trainer(TrainConfig(epochs=5, batch_size=100, max_cpu_seconds=1e-9)).fit(
        BagOfTokens(), TRAIN, VALID, progress=False
    )
    assert (result.epochs_run, result.stopped_early) == (1, True)
    assert result.cpu_seconds > 0 and result.cpu_seconds_per_epoch == result.cpu_seconds


def test_the_weight_average_is_validated_and_kept() -> None:
    # With a decay near 1 the average barely leaves the initial weights, so the kept model is
    # close to its start while the trained weights moved far.
    start = BagOfTokens()
    initial = _weights(start)
    result = Trainer(TrainConfig(epochs=2, batch_size=50, lr=1e-2, ema=0.999, schedule="constant")).fit(
        start, TRAIN, VALID, metric_fn=lambda model, loader: 1.0, progress=False
    )
    kept = _weights(start)
    moved = max(float((kept[k] - initial[k]).abs().max()) for k in kept)
    assert result.best_epoch == 1 and moved < 0.01


class _Interrupted(Exception):
    pass


def test_resume_with_a_weight_average_and_cosine_schedule_is_exact(tmp_path: Path) -> None:
    settings: dict[str, Any] = dict(epochs=3, batch_size=50, lr=5e-3, ema=0.9, schedule="cosine", patience=10)
    straight = Trainer(TrainConfig(**settings, checkpoint_dir=tmp_path / "a")).fit(
        lambda: BagOfTokens(dropout=0.3), TRAIN, VALID, progress=False
    )
    calls = 0

    def crash_on_second_epoch(model: nn.Module, loader: Any) -> float:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise _Interrupted
        return macro_f1(model, loader)

    config = TrainConfig(**settings, checkpoint_dir=tmp_path / "b")
    with pytest.raises(_Interrupted):
        Trainer(config).fit(
            lambda: BagOfTokens(dropout=0.3), TRAIN, VALID, metric_fn=crash_on_second_epoch, progress=False
        )
    assert load_checkpoint(tmp_path / "b" / LAST)["average"] is not None
    resumed = Trainer(config).fit(BagOfTokens(dim=16, dropout=0.3), TRAIN, VALID, resume=True, progress=False)
    assert straight.model is not None and resumed.model is not None
    assert _same(_weights(resumed.model), _weights(straight.model))
    assert [r["valid_metric"] for r in resumed.history] == [r["valid_metric"] for r in straight.history]


def test_run_settings_written_flat_fold_into_one_train_setting() -> None:
    from socialens.errors import ConfigError
    from socialens.training.config import fold_train_settings, train_setting

    folded = fold_train_settings({"epochs": 3, "lr": 0.01, "seed": 1, "hidden": 8, "train": {"patience": 5}})
    assert folded == {"seed": 1, "hidden": 8, "train": {"patience": 5, "epochs": 3, "lr": 0.01}}
    assert fold_train_settings({"hidden": 8}) == {"hidden": 8}
    config = train_setting(folded["train"], epochs=8, batch_size=64)
    assert (config.epochs, config.lr, config.patience, config.batch_size) == (3, 0.01, 5, 64)
    assert TrainConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ConfigError, match=r"unknown setting.*epoch"):
        train_setting({"epoch": 3})
