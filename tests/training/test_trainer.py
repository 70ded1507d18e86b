"""The generic trainer: it learns, stops early, restores its best epoch, resumes exactly, logs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, ClassVar

import pytest
import torch
from torch import nn

from socialens.errors import ConfigError
from socialens.training.checkpoint import BEST, LAST, CheckpointError, load_checkpoint
from socialens.training.evaluation import macro_f1, macro_f1_score
from socialens.training.tracking import read_metrics, read_scalars
from socialens.training.trainer import TrainConfig, Trainer, TrainingError
from tests.training import BagOfTokens, accuracy, make_task

TRAIN, VALID, TEST = make_task(600, seed=1), make_task(150, seed=2), make_task(300, seed=3)


def _fresh_model(seed: int = 0, **kwargs: Any) -> BagOfTokens:
    torch.manual_seed(seed)
    return BagOfTokens(**kwargs)


def _scripted_metric(values: list[float]) -> Any:
    """A metric_fn that returns the given values in turn (to drive early stopping exactly)."""
    calls = iter(values)
    return lambda model, loader: next(calls)


def _same_weights(a: nn.Module, b: dict[str, torch.Tensor] | nn.Module) -> bool:
    other = b.state_dict() if isinstance(b, nn.Module) else b
    mine = a.state_dict()
    return mine.keys() == other.keys() and all(torch.equal(mine[k], other[k]) for k in mine)


def test_the_loop_learns_a_nontrivial_task() -> None:
    model = _fresh_model()
    result = Trainer(TrainConfig(epochs=12, batch_size=32, lr=1e-2, patience=4)).fit(
        model, TRAIN, VALID, progress=False
    )
    held_out = accuracy(model, TEST)
    assert held_out > 0.8, f"held-out accuracy {held_out:.3f} (chance 0.33)"
    assert result.best_metric > 0.8
    assert 1 <= result.best_epoch <= result.epochs_run == len(result.history)
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.best_metric == max(r["valid_metric"] for r in result.history)
    assert result.seconds > 0


def test_early_stopping_when_the_metric_stalls() -> None:
    result = Trainer(TrainConfig(epochs=10, patience=2)).fit(
        _fresh_model(), TRAIN, VALID, metric_fn=lambda model, loader: 0.5, progress=False
    )
    assert (result.epochs_run, result.best_epoch, result.stopped_early) == (3, 1, True)
    assert [r["improved"] for r in result.history] == [True, False, False]


def test_the_best_epoch_weights_are_restored(tmp_path: Path) -> None:
    model = _fresh_model()
    config = TrainConfig(epochs=10, patience=2, checkpoint_dir=tmp_path)
    result = Trainer(config).fit(model, TRAIN, VALID, metric_fn=_scripted_metric([0.1, 0.9, 0.3, 0.2]), progress=False)
    assert (result.best_epoch, result.best_metric, result.epochs_run) == (2, 0.9, 4)
    best, last = load_checkpoint(tmp_path / BEST), load_checkpoint(tmp_path / LAST)
    assert best["epoch"] == 2 and last["epoch"] == 4
    assert _same_weights(model, best["model"])
    assert not _same_weights(model, last["model"])
    assert not model.training  # handed back ready to predict


def test_patience_running_out_on_the_last_epoch_is_not_an_early_stop() -> None:
    result = Trainer(TrainConfig(epochs=3, patience=2)).fit(
        _fresh_model(), TRAIN, VALID, metric_fn=_scripted_metric([0.5, 0.4, 0.4]), progress=False
    )
    assert (result.epochs_run, result.stopped_early) == (3, False)


class _Interrupted(Exception):
    pass


def _crash_on_call(n: int) -> Any:
    """The default metric, but the n-th call raises: the process 'dies' during that epoch."""
    calls = 0

    def metric(model: nn.Module, loader: Any) -> float:
        nonlocal calls
        calls += 1
        if calls == n:
            raise _Interrupted
        return macro_f1(model, loader)

    return metric


def test_resume_ends_with_exactly_the_uninterrupted_weights(tmp_path: Path) -> None:
    settings: dict[str, Any] = dict(epochs=4, batch_size=50, lr=5e-3, weight_decay=0.01, warmup_ratio=0.2, patience=10)
    straight = _fresh_model(dropout=0.3)
    expected = Trainer(TrainConfig(**settings, checkpoint_dir=tmp_path / "a")).fit(
        straight, TRAIN, VALID, progress=False
    )

    config = TrainConfig(**settings, checkpoint_dir=tmp_path / "b", log_dir=tmp_path / "logs")
    with pytest.raises(_Interrupted):
        Trainer(config).fit(_fresh_model(dropout=0.3), TRAIN, VALID, metric_fn=_crash_on_call(3), progress=False)
    assert load_checkpoint(tmp_path / "b" / LAST)["epoch"] == 2

    resumed = _fresh_model(seed=123, dropout=0.3)  # other initial weights: everything must come from last.pt
    result = Trainer(config).fit(resumed, TRAIN, VALID, resume=True, progress=False)

    assert _same_weights(resumed, straight)
    assert _same_weights(resumed, load_checkpoint(tmp_path / "a" / BEST)["model"])
    last_a, last_b = load_checkpoint(tmp_path / "a" / LAST), load_checkpoint(tmp_path / "b" / LAST)
    assert all(torch.equal(last_a["model"][k], last_b["model"][k]) for k in last_a["model"])
    assert (result.best_epoch, result.epochs_run) == (expected.best_epoch, expected.epochs_run)
    drop = ("seconds", "cpu_seconds")
    assert [{k: v for k, v in r.items() if k not in drop} for r in result.history] == [
        {k: v for k, v in r.items() if k not in drop} for r in expected.history
    ]
    # The logs read as one run: epochs 1-4 once each.
    assert [r["epoch"] for r in read_metrics(tmp_path / "logs")] == [1, 2, 3, 4]
    assert [step for step, _ in read_scalars(tmp_path / "logs")["train/loss"]] == [1, 2, 3, 4]


def test_resume_refuses_settings_that_change_the_run(tmp_path: Path) -> None:
    Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path)).fit(_fresh_model(), TRAIN, VALID, progress=False)
    with pytest.raises(CheckpointError, match=r"lr: 0.001 -> 0.01"):
        Trainer(TrainConfig(epochs=1, lr=1e-2, checkpoint_dir=tmp_path)).fit(
            _fresh_model(), TRAIN, VALID, resume=True, progress=False
        )
    with pytest.raises(CheckpointError, match="steps_per_epoch"):
        Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path)).fit(
            _fresh_model(), TRAIN[:100], VALID, resume=True, progress=False
        )
    with pytest.raises(CheckpointError, match="does not fit this model"):
        Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path)).fit(
            _fresh_model(dim=8), TRAIN, VALID, resume=True, progress=False
        )


def test_resume_edge_cases(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="checkpoint_dir"):
        Trainer(TrainConfig(epochs=1)).fit(_fresh_model(), TRAIN, VALID, resume=True, progress=False)
    # Nothing to resume yet: it simply trains.
    result = Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path)).fit(
        _fresh_model(), TRAIN, VALID, resume=True, progress=False
    )
    assert result.epochs_run == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [BEST, LAST]  # no temporary files left
    # A finished run resumes to its end at once, with the best weights.
    again = _fresh_model(seed=5)
    assert (
        Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path))
        .fit(again, TRAIN, VALID, resume=True, progress=False)
        .history
        == result.history
    )
    assert _same_weights(again, load_checkpoint(tmp_path / BEST)["model"])
    (tmp_path / LAST).write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read the checkpoint"):
        Trainer(TrainConfig(epochs=1, checkpoint_dir=tmp_path)).fit(
            _fresh_model(), TRAIN, VALID, resume=True, progress=False
        )


def test_metrics_go_to_tensorboard_and_jsonl(tmp_path: Path) -> None:
    result = Trainer(TrainConfig(epochs=3, log_dir=tmp_path)).fit(_fresh_model(), TRAIN, VALID, progress=False)
    assert list(tmp_path.glob("events.out.tfevents.*"))
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path))
    events.Reload()
    assert {"train/loss", "valid/metric", "lr"} <= set(events.Tags()["scalars"])
    losses = events.Scalars("train/loss")
    assert [e.step for e in losses] == [1, 2, 3]
    assert [e.value for e in losses] == pytest.approx([r["train_loss"] for r in result.history])
    assert [e.value for e in events.Scalars("valid/metric")] == pytest.approx(
        [r["valid_metric"] for r in result.history]
    )
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == result.history


def test_linear_warmup_then_decay() -> None:
    # 600 items / 100 = 6 steps an epoch, 12 in all, the first 3 ramping up. The history holds the
    # lr of each epoch's last step: step 5 (0-based) gets (12 - 5) / (12 - 3), step 11 (12 - 11) / 9.
    result = Trainer(TrainConfig(epochs=2, batch_size=100, lr=1.0, warmup_ratio=0.25, max_grad_norm=0.0)).fit(
        _fresh_model(), TRAIN, VALID, loss_fn=lambda logits, labels: logits.mean() * 0.0, progress=False
    )
    assert [r["lr"] for r in result.history] == pytest.approx([7 / 9, 1 / 9])


def test_models_may_return_extra_outputs_and_custom_losses() -> None:
    seen: list[tuple[int, ...]] = []

    def loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        seen.append(tuple(logits.shape))
        return nn.functional.cross_entropy(logits, labels, label_smoothing=0.1)

    model = _fresh_model(with_weights=True)
    Trainer(TrainConfig(epochs=1, batch_size=200)).fit(model, TRAIN, VALID, loss_fn=loss, progress=False)
    assert seen == [(200, 3)] * 3


def test_bad_input_gives_clear_errors() -> None:
    with pytest.raises(ConfigError, match="epochs=0"):
        TrainConfig(epochs=0)
    with pytest.raises(TrainingError, match="at least one item"):
        Trainer(TrainConfig(epochs=1)).fit(_fresh_model(), [], VALID, progress=False)
    with pytest.raises(TrainingError, match="loss is nan at epoch 1, step 1"):
        Trainer(TrainConfig(epochs=1)).fit(
            _fresh_model(), TRAIN, VALID, loss_fn=lambda logits, labels: logits.sum() * math.nan, progress=False
        )


def test_progress_bar_prints_one_line_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    Trainer(TrainConfig(epochs=2, batch_size=200)).fit(_fresh_model(), TRAIN, VALID, progress=True)
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out


def test_macro_f1_matches_the_evaluation_metrics() -> None:
    from socialens.evaluate import metrics

    g = torch.Generator().manual_seed(0)
    y_true, y_pred = torch.randint(0, 3, (200,), generator=g), torch.randint(0, 3, (200,), generator=g)
    y_pred[y_pred == 2] = 1  # a class never predicted: its F1 is 0
    expected = metrics.classification_report(y_true.numpy(), y_pred.numpy(), labels=("a", "b", "c"))["macro_f1"]
    assert macro_f1_score(y_true, y_pred, 3) == pytest.approx(expected)


def test_the_documented_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = Path(__file__).parents[2] / "docs" / "training.md"
    example = docs.read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(docs), "exec"), namespace)
    assert namespace["result"].best_metric > 0.9
    assert (tmp_path / "runs/demo/checkpoints/last.pt").is_file()
    assert list((tmp_path / "runs/demo/logs").glob("events.out.tfevents.*"))
    assert json.loads((tmp_path / "models/demo/1/card.json").read_text())["architecture"] == "demo.linear.v1"


def test_a_component_s_train_setting_over_its_defaults_makes_its_train_config() -> None:
    from socialens.training.config import component_train_config

    class Component:
        TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {"epochs": 8, "batch_size": 16}

        def __init__(self, train: dict[str, Any]) -> None:
            self.train, self.seed = train, 7

    config = component_train_config(Component({"epochs": 3, "lr": 0.01, "log_dir": "runs/logs", "checkpoint_dir": ""}))
    assert (config.epochs, config.lr, config.seed, config.batch_size) == (3, 0.01, 7, 16)
    assert config.log_dir == Path("runs/logs") and config.checkpoint_dir is None  # "" is no folder
    assert config.patience == TrainConfig().patience  # what neither sets keeps its default
    with pytest.raises(ConfigError, match="epochs=0"):
        component_train_config(Component({"epochs": 0}))
