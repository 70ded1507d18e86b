"""Where a training run stands, and how it goes into ``last.pt``/``best.pt`` and comes back.

A checkpoint is written at every validation (once an epoch, or every ``eval_every`` steps). It
counts optimizer steps, so a run may resume mid-epoch: it then keeps the shuffling generator's
state at the start of that epoch, which draws the epoch's permutation again, and the batches
already taken are skipped. Checkpoints written before steps were counted (epochs only) resume
at the start of the epoch after their last one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch

from socialens.errors import ConfigError
from socialens.training.checkpoint import (
    BEST,
    LAST,
    CheckpointError,
    best_weights,
    capture_rng_states,
    check_resumable,
    load_checkpoint,
    restore_rng_states,
    save_checkpoint,
)
from socialens.training.config import TrainConfig


@dataclass
class RunState:
    step: int = 0  # optimizer steps taken
    epoch: int = 0  # epochs completed
    best_metric: float = -math.inf
    best_epoch: int = 0
    best_step: int = 0
    bad_epochs: int = 0  # validations in a row without improvement
    stopped_early: bool = False
    stop_reason: str = ""
    cpu_seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    best_weights: dict[str, torch.Tensor] | None = None
    epoch_generator: torch.Tensor | None = None  # the shuffling generator at the current epoch's start


def run_config(cfg: TrainConfig, steps_per_epoch: int) -> dict[str, Any]:
    """The settings a checkpoint records (and a resume compares), with the data's batches per epoch."""
    return dict(cfg.to_dict(), steps_per_epoch=steps_per_epoch)


def save_state(cfg: TrainConfig, run: Any, state: RunState) -> None:
    """Write ``last.pt`` (and ``best.pt`` when this validation is the best) of the trainer's ``run``."""
    folder = cfg.checkpoint_dir
    if folder is None:
        return
    config = run_config(cfg, run.steps_per_epoch)
    # last.pt first: if the process dies before best.pt is written, the best weights are
    # still in last.pt (best step == last step), and resume_state takes them from there.
    save_checkpoint(
        folder / LAST,
        {
            "model": run.model.state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "average": run.average.shadow if run.average is not None else None,
            "epoch": state.epoch,
            "step": state.step,
            "best_metric": state.best_metric,
            "best_epoch": state.best_epoch,
            "best_step": state.best_step,
            "bad_epochs": state.bad_epochs,
            "stopped_early": state.stopped_early,
            "cpu_seconds": state.cpu_seconds,
            "history": state.history,
            "rng": capture_rng_states(run.generator),
            "epoch_generator": state.epoch_generator,
            "config": config,
        },
    )
    if state.best_step == state.step and state.best_weights is not None:
        save_checkpoint(
            folder / BEST,
            {
                "model": state.best_weights,
                "epoch": state.best_epoch,
                "step": state.step,
                "metric": state.best_metric,
                "config": config,
            },
        )


def resume_state(cfg: TrainConfig, run: Any) -> RunState:
    """Load ``checkpoint_dir/last.pt`` into the trainer's ``run`` and return where it stood (a
    fresh state when there is no checkpoint yet)."""
    folder = cfg.checkpoint_dir
    if folder is None:
        raise ConfigError("resume=True needs TrainConfig.checkpoint_dir: the folder holding last.pt")
    path = folder / LAST
    if not path.exists():
        return RunState()  # nothing to resume: a first run with resume=True just starts
    last = load_checkpoint(path)
    per_epoch = run.steps_per_epoch
    check_resumable(path, last, run_config(cfg, per_epoch))
    try:
        run.model.load_state_dict(last["model"])
    except RuntimeError as exc:
        raise CheckpointError(f"{path}: the checkpoint does not fit this model: {exc}") from exc
    run.optimizer.load_state_dict(last["optimizer"])
    run.scheduler.load_state_dict(last["scheduler"])
    if run.average is not None and last.get("average") is not None:
        run.average.load(last["average"])
    restore_rng_states(last["rng"], run.generator)
    step = last.get("step", last["epoch"] * per_epoch)
    if step % per_epoch:
        run.generator.set_state(last["epoch_generator"])  # replays the epoch's permutation
    state = RunState(
        step=step,
        epoch=last["epoch"],
        best_metric=last["best_metric"],
        best_epoch=last["best_epoch"],
        best_step=last.get("best_step", last["best_epoch"] * per_epoch),
        bad_epochs=last["bad_epochs"],
        stopped_early=last["stopped_early"],
        cpu_seconds=last.get("cpu_seconds", 0.0),
        history=list(last["history"]),
    )
    if state.best_epoch > 0:
        state.best_weights = best_weights(folder, last)
    return state
