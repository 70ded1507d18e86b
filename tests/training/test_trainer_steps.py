"""The trainer below the epoch: validation every N steps, a step limit, a stop hook that ends at the
best checkpoint, a caller's batch sampler, mid-epoch resumption, progress lines with the time left."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from socialens.errors import ConfigError
from socialens.training.checkpoint import BEST, LAST, load_checkpoint
from socialens.training.stopping import STOP, stop_file_or_deadline
from socialens.training.trainer import TrainConfig, Trainer
from tests.training import BagOfTokens, make_task

TRAIN, VALID = make_task(600, seed=1), make_task(150, seed=2)
# 600 items in batches of 50: 12 steps an epoch.
SETTINGS: dict[str, Any] = dict(epochs=3, batch_size=50, lr=5e-3, weight_decay=0.01, warmup_ratio=0.2, patience=50)


def _model(seed: int = 0) -> BagOfTokens:
    torch.manual_seed(seed)
    return BagOfTokens(dropout=0.3)


def _same(a: nn.Module, b: dict[str, torch.Tensor] | nn.Module) -> bool:
    other = b.state_dict() if isinstance(b, nn.Module) else b
    mine = a.state_dict()
    return mine.keys() == other.keys() and all(torch.equal(mine[k], other[k]) for k in mine)


def _stop_after(step: int) -> Any:
    """A stop hook that answers after ``step`` optimizer steps (it is asked once a step)."""
    asked = iter(range(1, 10**6))
    return lambda: "told to" if next(asked) >= step else ""


def _length_pools(epoch: int) -> list[list[int]]:
    """A seeded sampler in the recipe's manner: items sorted by their first token within pools."""
    rng = np.random.default_rng([7, epoch])
    order = rng.permutation(len(TRAIN)).tolist()
    pools = [sorted(order[s : s + 150], key=lambda i: int(TRAIN[i]["tokens"][0])) for s in range(0, 600, 150)]
    batches = [pool[b : b + 50] for pool in pools for b in range(0, 150, 50)]
    return [batches[i] for i in rng.permutation(len(batches))]


def test_validation_every_n_steps_records_steps_and_keeps_the_best_step() -> None:
    result = Trainer(TrainConfig(**SETTINGS, eval_every=5)).fit(_model(), TRAIN, VALID, progress=False)
    assert [r["step"] for r in result.history] == [5, 10, 15, 20, 25, 30, 35, 36]  # and the last step
    assert [r["epoch"] for r in result.history][:2] == [round(5 / 12, 3), round(10 / 12, 3)]
    best = max(result.history, key=lambda r: r["valid_metric"])
    assert (result.best_step, result.best_metric) == (best["step"], best["valid_metric"])
    assert result.best_epoch == -(-best["step"] // 12) and (result.steps_run, result.total_steps) == (36, 36)


def test_validating_at_each_epoch_end_by_steps_is_the_epoch_run() -> None:
    by_epoch = Trainer(TrainConfig(**SETTINGS)).fit(_model(), TRAIN, VALID, progress=False)
    by_steps = Trainer(TrainConfig(**SETTINGS, eval_every=12)).fit(_model(), TRAIN, VALID, progress=False)
    assert _same(by_epoch.model, by_steps.model)
    assert [r["valid_metric"] for r in by_epoch.history] == [r["valid_metric"] for r in by_steps.history]
    assert [r["step"] for r in by_steps.history] == [12, 24, 36] and "step" not in by_epoch.history[0]


def test_a_step_limit_ends_mid_epoch_and_the_schedule_with_it() -> None:
    lrs: list[float] = []
    result = Trainer(TrainConfig(**{**SETTINGS, "warmup_ratio": 0.0}, max_steps=7, eval_every=3)).fit(
        _model(), TRAIN, VALID, progress=False, on_epoch=lambda r: lrs.append(r["lr"])
    )
    assert (result.steps_run, result.total_steps, result.epochs_run) == (7, 7, 1)
    assert [r["step"] for r in result.history] == [3, 6, 7]
    assert lrs == pytest.approx([5e-3 * (1 - 2 / 7), 5e-3 * (1 - 5 / 7), 5e-3 * (1 - 6 / 7)])  # 0 after step 7
    with pytest.raises(ConfigError, match="max_steps=0"):
        TrainConfig(max_steps=0)
    with pytest.raises(ConfigError, match="eval_every=0"):
        TrainConfig(eval_every=0)


@pytest.mark.parametrize("sampler", [None, _length_pools], ids=["shuffled", "sampled"])
def test_a_stop_ends_mid_epoch_at_the_best_and_a_resume_ends_exactly_where_an_unstopped_run_does(
    tmp_path: Path, sampler: Any
) -> None:
    straight = Trainer(TrainConfig(**SETTINGS, eval_every=5, checkpoint_dir=tmp_path / "a")).fit(
        _model(), TRAIN, VALID, progress=False, batch_sampler=sampler
    )
    config = TrainConfig(**SETTINGS, eval_every=5, checkpoint_dir=tmp_path / "b")
    stopped = Trainer(config).fit(_model(), TRAIN, VALID, progress=False, batch_sampler=sampler, stop=_stop_after(17))
    assert (stopped.steps_run, stopped.stop_reason) == (17, "told to")  # validated and saved at the stop
    assert stopped.history[-1]["step"] == 17 and load_checkpoint(tmp_path / "b" / LAST)["step"] == 17
    assert _same(stopped.model, load_checkpoint(tmp_path / "b" / BEST)["model"])  # it ends at its best

    still = Trainer(config).fit(
        _model(), TRAIN, VALID, resume=True, progress=False, batch_sampler=sampler, stop=lambda: "still"
    )
    assert (still.steps_run, still.stop_reason) == (17, "still") and len(still.history) == len(stopped.history)

    resumed = _model(seed=9)  # other initial weights: everything must come from last.pt
    result = Trainer(config).fit(resumed, TRAIN, VALID, resume=True, progress=False, batch_sampler=sampler)
    last_a, last_b = load_checkpoint(tmp_path / "a" / LAST), load_checkpoint(tmp_path / "b" / LAST)
    assert all(torch.equal(last_a["model"][k], last_b["model"][k]) for k in last_a["model"])
    assert _same(resumed, straight.model) and result.best_step == straight.best_step
    # The stop added one validation (step 17); every other one is the unstopped run's.
    metrics = {r["step"]: r["valid_metric"] for r in result.history}
    assert all(metrics[r["step"]] == r["valid_metric"] for r in straight.history)


def test_the_batch_sampler_decides_the_batches() -> None:
    seen: list[list[int]] = []
    items = [{**item, "index": torch.tensor(i)} for i, item in enumerate(TRAIN)]

    def collate(rows: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
        seen.append([int(r["index"]) for r in rows])
        return {"tokens": torch.stack([r["tokens"] for r in rows]), "labels": torch.stack([r["labels"] for r in rows])}

    Trainer(TrainConfig(**{**SETTINGS, "epochs": 2})).fit(
        _model(), items, progress=False, collate_fn=collate, batch_sampler=_length_pools
    )
    assert seen == _length_pools(0) + _length_pools(1)


def test_stop_file_or_deadline(tmp_path: Path) -> None:
    assert stop_file_or_deadline(tmp_path)() == "" and stop_file_or_deadline(None, time.time() + 60)() == ""
    assert stop_file_or_deadline(tmp_path, time.time() - 1)() == "stop_at"
    (tmp_path / STOP).touch()
    assert stop_file_or_deadline(tmp_path, time.time() - 1)() == "STOP file"


def test_progress_lines_give_steps_and_the_time_left() -> None:
    lines: list[str] = []
    Trainer(TrainConfig(**SETTINGS, eval_every=25)).fit(_model(), TRAIN, VALID, progress=lines.append)
    steps = [line.split()[1] for line in lines if line.startswith("step ")]
    assert steps == ["1/36", "25/36", "36/36"] and all("left" in line for line in lines if line.startswith("step "))
    assert [line.split()[3] for line in lines if line.startswith("validation")] == ["25:", "36:"]


def test_a_checkpoint_written_before_steps_were_counted_resumes_exactly(tmp_path: Path) -> None:
    from socialens.training.checkpoint import save_checkpoint

    straight = Trainer(TrainConfig(**SETTINGS, checkpoint_dir=tmp_path / "a")).fit(
        _model(), TRAIN, VALID, progress=False
    )
    config = TrainConfig(**SETTINGS, checkpoint_dir=tmp_path / "b")
    Trainer(config).fit(_model(), TRAIN, VALID, progress=False, stop=_stop_after(24))  # after epoch 2
    for name in (LAST, BEST):  # the form the trainer wrote before steps: epochs only
        old = load_checkpoint(tmp_path / "b" / name)
        old["config"] = {k: v for k, v in old["config"].items() if k not in ("eval_every", "max_steps")}
        save_checkpoint(tmp_path / "b" / name, {k: v for k, v in old.items() if k not in ("step", "best_step")})
    resumed = _model(seed=9)
    result = Trainer(config).fit(resumed, TRAIN, VALID, resume=True, progress=False)
    assert _same(resumed, straight.model) and result.steps_run == 36
