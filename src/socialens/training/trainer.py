"""One training loop for every socialens network; it knows no model (minGPT's ``trainer.py``).

The contract with a model is small: the loop batches dataset items with ``collate_fn`` into a
dict of tensors holding ``"labels"``, calls ``model(batch)`` and gets logits ``(B, C)`` (or a
tuple/dict whose first entry/``"logits"`` is them, so a model may also return attention
weights). Everything else (AdamW, linear warmup and decay, gradient clipping, early stopping
on a validation metric, checkpoints, TensorBoard logs) lives here once.

Runs are reproducible: Python, numpy and torch are seeded, shuffling draws from its own
``torch.Generator``, and each epoch's checkpoint keeps all of those states, so a run resumed
from ``last.pt`` ends with exactly the weights of a run that was never interrupted.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, Dataset, default_collate

from socialens.errors import ConfigError, TrainingError
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
from socialens.training.evaluation import logits_of, macro_f1, to_device
from socialens.training.tracking import ConsoleProgress, Tracker

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
MetricFn = Callable[[nn.Module, DataLoader[Any]], float]


@dataclass
class TrainConfig:
    """Settings of one training run. ``max_grad_norm=0`` turns clipping off; ``warmup_ratio`` is
    the share of all optimizer steps spent ramping the learning rate up from 0."""

    epochs: int = 10
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.0
    patience: int = 3
    seed: int = 42
    max_grad_norm: float = 1.0
    warmup_ratio: float = 0.0
    num_threads: int = 1
    log_dir: Path | None = None
    checkpoint_dir: Path | None = None
    eval_batch_size: int | None = None  # None: batch_size
    min_delta: float = 0.0  # an epoch improves only if it beats the best metric by more than this
    device: str = "cpu"

    def __post_init__(self) -> None:
        self.log_dir = Path(self.log_dir).expanduser() if self.log_dir is not None else None
        self.checkpoint_dir = Path(self.checkpoint_dir).expanduser() if self.checkpoint_dir is not None else None
        checks = {
            "epochs": self.epochs >= 1,
            "batch_size": self.batch_size >= 1,
            "lr": self.lr > 0,
            "weight_decay": self.weight_decay >= 0,
            "patience": self.patience >= 1,
            "max_grad_norm": self.max_grad_norm >= 0,
            "warmup_ratio": 0 <= self.warmup_ratio < 1,
            "num_threads": self.num_threads >= 1,
            "eval_batch_size": self.eval_batch_size is None or self.eval_batch_size >= 1,
            "min_delta": self.min_delta >= 0,
        }
        bad = [f"{name}={getattr(self, name)!r}" for name, ok in checks.items() if not ok]
        if bad:
            raise ConfigError(f"TrainConfig: invalid setting(s) {', '.join(bad)}")

    @classmethod
    def of(cls, component: object, **overrides: Any) -> TrainConfig:
        """The run settings a component keeps under the same names (``epochs``, ``lr``, ``seed``...),
        then ``overrides``: one place that reads them, whichever model trains."""
        given = {f.name: getattr(component, f.name) for f in fields(cls) if hasattr(component, f.name)}
        given = {name: None if value == "" else value for name, value in given.items()}  # "" folder: none
        return cls(**{**given, **overrides})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (paths as strings), for model cards and checkpoints."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}


@dataclass
class TrainResult:
    best_epoch: int
    best_metric: float
    epochs_run: int
    history: list[dict[str, Any]]
    seconds: float
    stopped_early: bool


@dataclass
class _RunState:
    epoch: int = 0  # epochs completed
    best_metric: float = -math.inf
    best_epoch: int = 0
    bad_epochs: int = 0
    stopped_early: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    best_weights: dict[str, torch.Tensor] | None = None


class Trainer:
    """``Trainer(TrainConfig(epochs=5)).fit(model, train, valid, collate_fn=...)``."""

    def __init__(self, config: TrainConfig | None = None) -> None:
        self.config = config or TrainConfig()

    def fit(
        self,
        model: nn.Module,
        train: Dataset[Any] | Sequence[Any],
        valid: Dataset[Any] | Sequence[Any],
        *,
        collate_fn: Callable[[list[Any]], Mapping[str, Any]] | None = None,
        loss_fn: LossFn | None = None,
        metric_fn: MetricFn | None = None,
        resume: bool = False,
        progress: bool = True,
    ) -> TrainResult:
        """Train ``model`` in place; it ends holding the weights of its best validation epoch.

        ``loss_fn(logits, labels)`` defaults to cross-entropy (labels may be class ids or
        probabilities); ``metric_fn(model, valid_loader)`` (higher is better) to macro-F1.
        ``resume=True`` continues from ``checkpoint_dir/last.pt`` when there is one.
        """
        cfg = self.config
        started = time.perf_counter()
        torch.set_num_threads(cfg.num_threads)
        seed_everything(cfg.seed)
        device = torch.device(cfg.device)
        model.to(device)
        generator = torch.Generator().manual_seed(cfg.seed)
        train_loader, valid_loader = self._loaders(train, valid, collate_fn, generator)
        optimizer = _make_optimizer(model, cfg)
        total_steps = cfg.epochs * len(train_loader)
        scheduler = LambdaLR(optimizer, _linear_schedule(round(cfg.warmup_ratio * total_steps), total_steps))
        loss_fn = loss_fn or cross_entropy
        metric_fn = metric_fn or macro_f1
        state = _RunState()
        if resume:
            state = self._resume(model, optimizer, scheduler, generator, len(train_loader))
        tracker = Tracker(cfg.log_dir, state.history)
        tracker.log_text("config", "\n".join(f"    {k} = {v}" for k, v in cfg.to_dict().items()))
        try:
            with ConsoleProgress(progress, cfg.epochs) as bar:
                while state.epoch < cfg.epochs and not state.stopped_early:
                    self._run_epoch(
                        model, train_loader, valid_loader, optimizer, scheduler, loss_fn, metric_fn, state, bar
                    )
                    tracker.log_epoch(state.history[-1])
                    self._save(model, optimizer, scheduler, generator, state, len(train_loader))
                    bar.end_epoch(state.history[-1])
        finally:
            tracker.close()
        if state.best_weights is not None:
            model.load_state_dict(state.best_weights)
        model.eval()
        return TrainResult(
            best_epoch=state.best_epoch,
            best_metric=state.best_metric,
            epochs_run=state.epoch,
            history=state.history,
            seconds=time.perf_counter() - started,
            stopped_early=state.stopped_early,
        )

    def _loaders(
        self,
        train: Dataset[Any] | Sequence[Any],
        valid: Dataset[Any] | Sequence[Any],
        collate_fn: Callable[[list[Any]], Mapping[str, Any]] | None,
        generator: torch.Generator,
    ) -> tuple[DataLoader[Any], DataLoader[Any]]:
        """Shuffled training batches drawn from ``generator`` (part of every checkpoint); validation in order."""
        if len(cast(Sequence[Any], train)) == 0 or len(cast(Sequence[Any], valid)) == 0:
            raise TrainingError("training and validation data must each hold at least one item")
        cfg = self.config
        collate = cast(Callable[[list[Any]], Any], collate_fn or default_collate)
        train_loader: DataLoader[Any] = DataLoader(
            cast(Dataset[Any], train), batch_size=cfg.batch_size, shuffle=True, generator=generator, collate_fn=collate
        )
        valid_loader: DataLoader[Any] = DataLoader(
            cast(Dataset[Any], valid), batch_size=cfg.eval_batch_size or cfg.batch_size, collate_fn=collate
        )
        return train_loader, valid_loader

    def _run_epoch(
        self,
        model: nn.Module,
        train_loader: DataLoader[Any],
        valid_loader: DataLoader[Any],
        optimizer: torch.optim.Optimizer,
        scheduler: LambdaLR,
        loss_fn: LossFn,
        metric_fn: MetricFn,
        state: _RunState,
        bar: ConsoleProgress,
    ) -> None:
        cfg = self.config
        epoch = state.epoch + 1
        began = time.perf_counter()
        device = torch.device(cfg.device)
        params = [p for p in model.parameters() if p.requires_grad]
        model.train()
        total, count, lr = 0.0, 0, optimizer.param_groups[0]["lr"]
        bar.start_epoch(epoch, len(train_loader))
        for step, raw in enumerate(train_loader, start=1):
            batch = to_device(raw, device)
            labels = batch["labels"]
            loss = loss_fn(logits_of(model(batch)), labels)
            if not torch.isfinite(loss):
                raise TrainingError(
                    f"loss is {loss.item()} at epoch {epoch}, step {step}; lower lr (now {cfg.lr}) or check the data"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.max_grad_norm > 0:
                nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            lr = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(labels)
            count += len(labels)
            bar.step(total / count)
        metric = float(metric_fn(model, valid_loader))
        improved = not math.isnan(metric) and metric > state.best_metric + cfg.min_delta
        if improved:
            state.best_metric, state.best_epoch, state.bad_epochs = metric, epoch, 0
            state.best_weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            state.bad_epochs += 1
            state.stopped_early = state.bad_epochs >= cfg.patience and epoch < cfg.epochs
        state.epoch = epoch
        state.history.append(
            {
                "epoch": epoch,
                "train_loss": total / max(count, 1),
                "valid_metric": metric,
                "lr": lr,
                "seconds": round(time.perf_counter() - began, 3),
                "improved": improved,
            }
        )

    def _save(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        scheduler: LambdaLR,
        generator: torch.Generator,
        state: _RunState,
        steps_per_epoch: int,
    ) -> None:
        folder = self.config.checkpoint_dir
        if folder is None:
            return
        config = dict(self.config.to_dict(), steps_per_epoch=steps_per_epoch)
        # last.pt first: if the process dies before best.pt is written, the best weights are
        # still in last.pt (best epoch == last epoch), and _resume takes them from there.
        save_checkpoint(
            folder / LAST,
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "epoch": state.epoch,
                "best_metric": state.best_metric,
                "best_epoch": state.best_epoch,
                "bad_epochs": state.bad_epochs,
                "stopped_early": state.stopped_early,
                "history": state.history,
                "rng": capture_rng_states(generator),
                "config": config,
            },
        )
        if state.best_epoch == state.epoch and state.best_weights is not None:
            save_checkpoint(
                folder / BEST,
                {"model": state.best_weights, "epoch": state.epoch, "metric": state.best_metric, "config": config},
            )

    def _resume(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        scheduler: LambdaLR,
        generator: torch.Generator,
        steps_per_epoch: int,
    ) -> _RunState:
        folder = self.config.checkpoint_dir
        if folder is None:
            raise ConfigError("resume=True needs TrainConfig.checkpoint_dir: the folder holding last.pt")
        path = folder / LAST
        if not path.exists():
            return _RunState()  # nothing to resume: a first run with resume=True just starts
        last = load_checkpoint(path)
        check_resumable(path, last, dict(self.config.to_dict(), steps_per_epoch=steps_per_epoch))
        try:
            model.load_state_dict(last["model"])
        except RuntimeError as exc:
            raise CheckpointError(f"{path}: the checkpoint does not fit this model: {exc}") from exc
        optimizer.load_state_dict(last["optimizer"])
        scheduler.load_state_dict(last["scheduler"])
        restore_rng_states(last["rng"], generator)
        state = _RunState(
            epoch=last["epoch"],
            best_metric=last["best_metric"],
            best_epoch=last["best_epoch"],
            bad_epochs=last["bad_epochs"],
            stopped_early=last["stopped_early"],
            history=list(last["history"]),
        )
        if state.best_epoch > 0:
            state.best_weights = best_weights(folder, last)
        return state


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and, when present, CUDA)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The default loss: class ids ``(B,)`` or class probabilities ``(B, C)`` (e.g. a teacher's)."""
    return F.cross_entropy(logits, labels)


def _make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    # Weight decay on matrices only; decaying biases and norm scales hurts (nanoGPT's rule).
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise TrainingError(f"{type(model).__name__} has no trainable parameters")
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=cfg.lr)


def _linear_schedule(warmup: int, total: int) -> Callable[[int], float]:
    """Learning-rate factor: 0 -> 1 over ``warmup`` steps, then linearly to 0 at ``total``."""

    def factor(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor
