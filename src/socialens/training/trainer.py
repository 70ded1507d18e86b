"""One training loop for every socialens network; it knows no model (minGPT's ``trainer.py``).

The contract with a model is small: the loop batches dataset items with ``collate_fn`` into a
dict of tensors and calls ``model(batch)``. A model may return its own loss, as minGPT's do:
``(output, loss)`` with ``loss`` a scalar tensor, or a dict holding ``"loss"``; that loss is
minimised. Otherwise it returns logits ``(B, C)`` (or a tuple/dict whose first entry/
``"logits"`` is them, so a model may also return attention weights) and the loop applies
``loss_fn(logits, batch["labels"])``. Everything else (AdamW, warmup and a linear, constant or
cosine schedule, gradient clipping, a weight average, early stopping on a validation metric, a
CPU-time budget, checkpoints, TensorBoard logs) lives here once.

Runs are reproducible and independent of what ran before: each fit seeds Python, numpy and
torch from ``TrainConfig.seed`` inside a fork of the caller's random states (restored when it
returns), shuffles with its own ``torch.Generator``, and may build the model itself (pass a
zero-argument factory) so its initial weights come from the seed too. Each epoch's checkpoint
keeps all of those states, so a run resumed from ``last.pt`` ends with exactly the weights of a
run that was never interrupted.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from socialens.training.config import TrainConfig
from socialens.training.evaluation import logits_of, macro_f1, to_device
from socialens.training.optim import WeightAverage, lr_factor, make_optimizer
from socialens.training.tracking import ConsoleProgress, Tracker

__all__ = ["TrainConfig", "TrainResult", "Trainer", "TrainingError", "seed_everything"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
# ``metric_fn(model, valid_loader)``, higher is better; the loader is None when fit had no ``valid``.
MetricFn = Callable[[nn.Module, Any], float]
ModelOrFactory = nn.Module | Callable[[], nn.Module]


@dataclass
class TrainResult:
    best_epoch: int
    best_metric: float
    epochs_run: int
    history: list[dict[str, Any]]
    seconds: float
    stopped_early: bool
    cpu_seconds: float = 0.0  # CPU time of this process spent in the epochs (a fair measure on shared cores)
    model: Any = field(default=None, repr=False, compare=False)  # the trained network (an nn.Module)

    @property
    def seconds_per_epoch(self) -> float:
        return self.seconds / max(1, self.epochs_run)

    @property
    def cpu_seconds_per_epoch(self) -> float:
        return self.cpu_seconds / max(1, self.epochs_run)


@dataclass
class _RunState:
    epoch: int = 0  # epochs completed
    best_metric: float = -math.inf
    best_epoch: int = 0
    bad_epochs: int = 0
    stopped_early: bool = False
    cpu_seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    best_weights: dict[str, torch.Tensor] | None = None


@dataclass
class _Run:
    """What one fit works with, built once at its start."""

    model: nn.Module
    train_batches: _ShuffledBatches
    valid_loader: DataLoader[Any] | None
    optimizer: torch.optim.Optimizer
    scheduler: LambdaLR
    generator: torch.Generator
    average: WeightAverage | None
    loss_fn: LossFn
    metric_fn: MetricFn | None


class Trainer:
    """``Trainer(TrainConfig(epochs=5)).fit(model, train, valid, collate_fn=...)``."""

    def __init__(self, config: TrainConfig | None = None) -> None:
        self.config = config or TrainConfig()

    def fit(
        self,
        model: ModelOrFactory,
        train: Dataset[Any] | Sequence[Any],
        valid: Dataset[Any] | Sequence[Any] | None = None,
        *,
        collate_fn: Callable[[list[Any]], Mapping[str, Any]] | None = None,
        loss_fn: LossFn | None = None,
        metric_fn: MetricFn | None = None,
        resume: bool = False,
        progress: bool = True,
        on_epoch: Callable[[dict[str, Any]], None] | None = None,
    ) -> TrainResult:
        """Train ``model`` (a module, or a zero-argument factory built under the run's seed) in
        place; it ends holding the weights of its best validation epoch (``result.model``).

        ``loss_fn(logits, labels)`` (for models that do not return their loss) defaults to
        cross-entropy (labels may be class ids or probabilities); ``metric_fn(model,
        valid_loader)`` (higher is better) to macro-F1. Without ``valid`` a ``metric_fn`` scores
        the model its own way (it gets ``None`` as the loader); with neither, no epoch is
        validated and the model keeps its last weights. ``resume=True`` continues from
        ``checkpoint_dir/last.pt`` when there is one. ``on_epoch(record)`` hears of each epoch's
        record (a caller's own progress display, for instance).
        """
        cfg = self.config
        started = time.perf_counter()
        torch.set_num_threads(cfg.num_threads)
        with isolated_random_state(cfg.seed):
            run = self._start(model, train, valid, collate_fn, loss_fn, metric_fn)
            state = self._resume(run) if resume else _RunState()
            tracker = Tracker(cfg.log_dir, state.history)
            tracker.log_text("config", "\n".join(f"    {k} = {v}" for k, v in cfg.to_dict().items()))
            try:
                with ConsoleProgress(progress, cfg.epochs) as bar:
                    while state.epoch < cfg.epochs and not state.stopped_early:
                        self._run_epoch(run, state, bar)
                        tracker.log_epoch(state.history[-1])
                        self._save(run, state)
                        bar.end_epoch(state.history[-1])
                        if on_epoch is not None:
                            on_epoch(state.history[-1])
            finally:
                tracker.close()
        if state.best_weights is not None:
            run.model.load_state_dict(state.best_weights)
        elif run.average is not None:
            run.average.swap()  # no validation: keep the averaged weights
        run.model.eval()
        return TrainResult(
            best_epoch=state.best_epoch,
            best_metric=state.best_metric,
            epochs_run=state.epoch,
            history=state.history,
            seconds=time.perf_counter() - started,
            stopped_early=state.stopped_early,
            cpu_seconds=state.cpu_seconds,
            model=run.model,
        )

    def _start(
        self,
        model: ModelOrFactory,
        train: Dataset[Any] | Sequence[Any],
        valid: Dataset[Any] | Sequence[Any] | None,
        collate_fn: Callable[[list[Any]], Mapping[str, Any]] | None,
        loss_fn: LossFn | None,
        metric_fn: MetricFn | None,
    ) -> _Run:
        """The model (built now from a factory, under the run's seed), batches and optimizer."""
        cfg = self.config
        if len(cast(Sequence[Any], train)) == 0 or (valid is not None and len(cast(Sequence[Any], valid)) == 0):
            raise TrainingError("training and validation data must each hold at least one item")
        network = model if isinstance(model, nn.Module) else model()
        network.to(torch.device(cfg.device))
        generator = torch.Generator().manual_seed(cfg.seed)
        collate = cast(Callable[[list[Any]], Any], collate_fn or default_collate)
        train_batches = _ShuffledBatches(train, cfg.batch_size, collate, generator)
        valid_loader: DataLoader[Any] | None = None
        if valid is not None:
            valid_loader = DataLoader(
                cast(Dataset[Any], valid), batch_size=cfg.eval_batch_size or cfg.batch_size, collate_fn=collate
            )
        optimizer = make_optimizer(network, cfg)
        total_steps = cfg.epochs * len(train_batches)
        factor = lr_factor(cfg.schedule, round(cfg.warmup_ratio * total_steps), total_steps)
        return _Run(
            model=network,
            train_batches=train_batches,
            valid_loader=valid_loader,
            optimizer=optimizer,
            scheduler=LambdaLR(optimizer, factor),
            generator=generator,
            average=WeightAverage(network, cfg.ema) if cfg.ema > 0 else None,
            loss_fn=loss_fn or cross_entropy,
            metric_fn=metric_fn or (macro_f1 if valid is not None else None),
        )

    def _run_epoch(self, run: _Run, state: _RunState, bar: ConsoleProgress) -> None:
        cfg = self.config
        epoch = state.epoch + 1
        began, cpu_began = time.perf_counter(), time.process_time()
        device = torch.device(cfg.device)
        params = [p for p in run.model.parameters() if p.requires_grad]
        run.model.train()
        total, count, lr = 0.0, 0, run.optimizer.param_groups[0]["lr"]
        bar.start_epoch(epoch, len(run.train_batches))
        for step, raw in enumerate(run.train_batches, start=1):
            batch = to_device(raw, device)
            loss = loss_of(run.model(batch), batch, run.loss_fn)
            if not torch.isfinite(loss):
                raise TrainingError(
                    f"loss is {loss.item()} at epoch {epoch}, step {step}; lower lr (now {cfg.lr}) or check the data"
                )
            run.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.max_grad_norm > 0:
                nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            lr = run.optimizer.param_groups[0]["lr"]
            run.optimizer.step()
            run.scheduler.step()
            if run.average is not None:
                run.average.update()
            size = _batch_size(batch)
            total += loss.item() * size
            count += size
            bar.step(total / count)
        row = {"epoch": epoch, "train_loss": total / max(count, 1), "lr": lr}
        self._validate(run, state, row)
        state.cpu_seconds += time.process_time() - cpu_began
        over_budget = cfg.max_cpu_seconds is not None and state.cpu_seconds >= cfg.max_cpu_seconds
        state.stopped_early = epoch < cfg.epochs and (state.stopped_early or over_budget)
        state.epoch = epoch
        row.update(seconds=round(time.perf_counter() - began, 3), cpu_seconds=round(time.process_time() - cpu_began, 3))
        state.history.append(row)

    def _validate(self, run: _Run, state: _RunState, row: dict[str, Any]) -> None:
        """Score the epoch (the weight average, when kept) and keep its weights if it is the best."""
        if run.metric_fn is None:
            row.update(valid_metric=math.nan, improved=False)
            return
        if run.average is not None:
            run.average.swap()
        metric = float(run.metric_fn(run.model, run.valid_loader))
        improved = not math.isnan(metric) and metric > state.best_metric + self.config.min_delta
        if improved:
            state.best_metric, state.best_epoch, state.bad_epochs = metric, state.epoch + 1, 0
            state.best_weights = {k: v.detach().clone() for k, v in run.model.state_dict().items()}
        else:
            state.bad_epochs += 1
            state.stopped_early = state.bad_epochs >= self.config.patience
        if run.average is not None:
            run.average.swap()
        row.update(valid_metric=metric, improved=improved)

    def _save(self, run: _Run, state: _RunState) -> None:
        folder = self.config.checkpoint_dir
        if folder is None:
            return
        config = dict(self.config.to_dict(), steps_per_epoch=len(run.train_batches))
        # last.pt first: if the process dies before best.pt is written, the best weights are
        # still in last.pt (best epoch == last epoch), and _resume takes them from there.
        save_checkpoint(
            folder / LAST,
            {
                "model": run.model.state_dict(),
                "optimizer": run.optimizer.state_dict(),
                "scheduler": run.scheduler.state_dict(),
                "average": run.average.shadow if run.average is not None else None,
                "epoch": state.epoch,
                "best_metric": state.best_metric,
                "best_epoch": state.best_epoch,
                "bad_epochs": state.bad_epochs,
                "stopped_early": state.stopped_early,
                "cpu_seconds": state.cpu_seconds,
                "history": state.history,
                "rng": capture_rng_states(run.generator),
                "config": config,
            },
        )
        if state.best_epoch == state.epoch and state.best_weights is not None:
            save_checkpoint(
                folder / BEST,
                {"model": state.best_weights, "epoch": state.epoch, "metric": state.best_metric, "config": config},
            )

    def _resume(self, run: _Run) -> _RunState:
        folder = self.config.checkpoint_dir
        if folder is None:
            raise ConfigError("resume=True needs TrainConfig.checkpoint_dir: the folder holding last.pt")
        path = folder / LAST
        if not path.exists():
            return _RunState()  # nothing to resume: a first run with resume=True just starts
        last = load_checkpoint(path)
        check_resumable(path, last, dict(self.config.to_dict(), steps_per_epoch=len(run.train_batches)))
        try:
            run.model.load_state_dict(last["model"])
        except RuntimeError as exc:
            raise CheckpointError(f"{path}: the checkpoint does not fit this model: {exc}") from exc
        run.optimizer.load_state_dict(last["optimizer"])
        run.scheduler.load_state_dict(last["scheduler"])
        if run.average is not None and last.get("average") is not None:
            run.average.load(last["average"])
        restore_rng_states(last["rng"], run.generator)
        state = _RunState(
            epoch=last["epoch"],
            best_metric=last["best_metric"],
            best_epoch=last["best_epoch"],
            bad_epochs=last["bad_epochs"],
            stopped_early=last["stopped_early"],
            cpu_seconds=last.get("cpu_seconds", 0.0),
            history=list(last["history"]),
        )
        if state.best_epoch > 0:
            state.best_weights = best_weights(folder, last)
        return state


class _ShuffledBatches:
    """Training batches: one permutation per epoch drawn from the run's generator (nothing else
    draws from it, so a restored generator replays the epoch exactly), cut into ``batch_size``."""

    def __init__(
        self,
        data: Dataset[Any] | Sequence[Any],
        batch_size: int,
        collate: Callable[[list[Any]], Any],
        generator: torch.Generator,
    ) -> None:
        self.data, self.batch_size, self.collate, self.generator = data, batch_size, collate, generator
        self.size = len(cast(Sequence[Any], data))

    def __len__(self) -> int:
        return -(-self.size // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        order = torch.randperm(self.size, generator=self.generator).tolist()
        for start in range(0, self.size, self.batch_size):
            yield self.collate([self.data[i] for i in order[start : start + self.batch_size]])


@contextmanager
def isolated_random_state(seed: int) -> Iterator[None]:
    """Seed Python, numpy and torch for one run, and give the caller's states back afterwards:
    a fit depends on its seed alone, and leaves no trace on the random numbers drawn after it."""
    python, numpy = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        seed_everything(seed)
        try:
            yield
        finally:
            random.setstate(python)
            np.random.set_state(numpy)


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and, when present, CUDA)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def loss_of(output: Any, batch: Mapping[str, Any], loss_fn: LossFn) -> torch.Tensor:
    """The loss a model returned (``(output, loss)`` with a scalar loss, or ``{"loss": ...}``),
    else ``loss_fn`` of its logits and the batch's ``"labels"``."""
    if isinstance(output, Mapping) and "loss" in output:
        return cast(torch.Tensor, output["loss"])
    if isinstance(output, tuple) and len(output) == 2 and isinstance(output[1], torch.Tensor) and output[1].ndim == 0:
        return output[1]
    if "labels" not in batch:
        raise TrainingError("the batch has no 'labels' and the model returned no loss: return (output, loss)")
    return loss_fn(logits_of(output), batch["labels"])


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The default loss: class ids ``(B,)`` or class probabilities ``(B, C)`` (e.g. a teacher's)."""
    return F.cross_entropy(logits, labels)


def _batch_size(batch: Mapping[str, Any]) -> int:
    first = batch["labels"] if "labels" in batch else next(iter(batch.values()))
    return len(first)
