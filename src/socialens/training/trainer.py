"""One training loop for every socialens network; it knows no model (minGPT's ``trainer.py``).

The contract with a model is small: the loop batches dataset items with ``collate_fn`` into a
dict of tensors and calls ``model(batch)``. A model may return its own loss, as minGPT's do:
``(output, loss)`` with ``loss`` a scalar tensor, or a dict holding ``"loss"``; that loss is
minimised. Otherwise it returns logits ``(B, C)`` (or a tuple/dict whose first entry/
``"logits"`` is them, so a model may also return attention weights) and the loop applies
``loss_fn(logits, batch["labels"])``. Everything else (AdamW, warmup and a linear, constant or
cosine schedule, gradient clipping, a weight average, validation once an epoch or every N
steps, early stopping on a validation metric, a step limit, a CPU-time budget, a stop hook
(a STOP file, a deadline), checkpoints, TensorBoard logs, progress) lives here once.

Runs are reproducible and independent of what ran before: each fit seeds Python, numpy and
torch from ``TrainConfig.seed`` inside a fork of the caller's random states (restored when it
returns), shuffles with its own ``torch.Generator`` (or takes a caller's seeded batch sampler),
and may build the model itself (pass a zero-argument factory) so its initial weights come from
the seed too. Each checkpoint keeps all of those states, so a run resumed from ``last.pt``,
even one written mid-epoch, ends with exactly the weights of a run that was never interrupted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import torch
from torch import nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, Dataset, default_collate

from socialens.errors import TrainingError
from socialens.training.batches import BatchSampler, SampledBatches, ShuffledBatches
from socialens.training.config import TrainConfig
from socialens.training.evaluation import macro_f1, to_device
from socialens.training.losses import LossFn, batch_size, cross_entropy, loss_of
from socialens.training.optim import WeightAverage, lr_factor, make_optimizer
from socialens.training.progress import ConsoleProgress, LineProgress
from socialens.training.run_state import RunState, resume_state, save_state
from socialens.training.seeding import isolated_random_state, seed_everything, untouched_random_state
from socialens.training.stopping import StopHook
from socialens.training.tracking import Tracker

__all__ = ["TrainConfig", "TrainResult", "Trainer", "TrainingError", "seed_everything"]

# ``metric_fn(model, valid_loader)``, higher is better; the loader is None when fit had no ``valid``.
MetricFn = Callable[[nn.Module, Any], float]
ModelOrFactory = nn.Module | Callable[[], nn.Module]
Progress = ConsoleProgress | LineProgress


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
    steps_run: int = 0
    total_steps: int = 0
    best_step: int = 0
    stop_reason: str = ""  # what the ``stop`` hook answered, when it ended the run

    @property
    def seconds_per_epoch(self) -> float:
        return self.seconds / max(1, self.epochs_run)

    @property
    def cpu_seconds_per_epoch(self) -> float:
        return self.cpu_seconds / max(1, self.epochs_run)


@dataclass
class _Run:
    """What one fit works with, built once at its start."""

    model: nn.Module
    train_batches: ShuffledBatches | SampledBatches
    valid_loader: DataLoader[Any] | None
    optimizer: torch.optim.Optimizer
    scheduler: LambdaLR
    generator: torch.Generator
    average: WeightAverage | None
    loss_fn: LossFn
    metric_fn: MetricFn | None
    total_steps: int

    @property
    def steps_per_epoch(self) -> int:
        return len(self.train_batches)


@dataclass
class _Listeners:
    """Who hears of the run as it goes: the display, the logs, the caller's hooks."""

    bar: Progress
    tracker: Tracker
    stop: StopHook | None
    on_epoch: Callable[[dict[str, Any]], None] | None


@dataclass
class _Window:
    """The steps since the last validation: their mean loss, last learning rate and clocks."""

    total: float = 0.0
    count: int = 0
    lr: float = 0.0
    began: float = field(default_factory=time.perf_counter)
    cpu_began: float = field(default_factory=time.process_time)

    @property
    def mean_loss(self) -> float:
        return self.total / max(self.count, 1)


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
        progress: bool | Callable[[str], None] = True,
        on_epoch: Callable[[dict[str, Any]], None] | None = None,
        batch_sampler: BatchSampler | None = None,
        stop: StopHook | None = None,
    ) -> TrainResult:
        """Train ``model`` (a module, or a zero-argument factory built under the run's seed) in
        place; it ends holding the weights of its best validation (``result.model``).

        ``loss_fn(logits, labels)`` (for models that do not return their loss) defaults to
        cross-entropy (labels may be class ids or probabilities); ``metric_fn(model,
        valid_loader)`` (higher is better) to macro-F1. Without ``valid`` a ``metric_fn`` scores
        the model its own way (it gets ``None`` as the loader); with neither, nothing is
        validated and the model keeps its last weights. ``resume=True`` continues from
        ``checkpoint_dir/last.pt`` when there is one. ``on_epoch(record)`` hears of each
        validation's record. ``progress``: a bar (True), nothing (False), or plain lines with
        the time left given to a function (``print``, a log). ``batch_sampler(epoch)`` lists
        each epoch's index batches instead of a shuffle (the same count every epoch).
        ``stop()`` is asked after every step; a non-empty reason ends the run there (validated
        and checkpointed), with its best weights.
        """
        cfg = self.config
        started = time.perf_counter()
        torch.set_num_threads(cfg.num_threads)
        with isolated_random_state(cfg.seed):
            run = self._start(model, train, valid, collate_fn, loss_fn, metric_fn, batch_sampler)
            state = resume_state(cfg, run) if resume else RunState()
            tracker = Tracker(cfg.log_dir, state.history)
            tracker.log_text("config", "\n".join(f"    {k} = {v}" for k, v in cfg.to_dict().items()))
            shown: Progress = (
                LineProgress(progress, run.total_steps, run.steps_per_epoch)
                if callable(progress)
                else ConsoleProgress(progress, math.ceil(run.total_steps / run.steps_per_epoch))
            )
            try:
                with shown as bar:
                    bar.begin(state.step, state.best_metric, state.best_step)
                    if 0 < state.step < run.total_steps and stop is not None:
                        state.stop_reason = stop() or ""  # resumed while still told to stop: no more steps
                    listeners, window = _Listeners(bar, tracker, stop, on_epoch), _Window()
                    while state.step < run.total_steps and not (state.stopped_early or state.stop_reason):
                        window = self._run_epoch(run, state, listeners, window)
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
            epochs_run=math.ceil(state.step / run.steps_per_epoch),
            history=state.history,
            seconds=time.perf_counter() - started,
            stopped_early=state.stopped_early,
            cpu_seconds=state.cpu_seconds,
            model=run.model,
            steps_run=state.step,
            total_steps=run.total_steps,
            best_step=state.best_step,
            stop_reason=state.stop_reason,
        )

    def _start(
        self,
        model: ModelOrFactory,
        train: Dataset[Any] | Sequence[Any],
        valid: Dataset[Any] | Sequence[Any] | None,
        collate_fn: Callable[[list[Any]], Mapping[str, Any]] | None,
        loss_fn: LossFn | None,
        metric_fn: MetricFn | None,
        batch_sampler: BatchSampler | None,
    ) -> _Run:
        """The model (built now from a factory, under the run's seed), batches and optimizer."""
        cfg = self.config
        if len(cast(Sequence[Any], train)) == 0 or (valid is not None and len(cast(Sequence[Any], valid)) == 0):
            raise TrainingError("training and validation data must each hold at least one item")
        network = model if isinstance(model, nn.Module) else model()
        network.to(torch.device(cfg.device))
        generator = torch.Generator().manual_seed(cfg.seed)
        collate = cast(Callable[[list[Any]], Any], collate_fn or default_collate)
        train_batches: ShuffledBatches | SampledBatches = (
            SampledBatches(train, batch_sampler, collate)
            if batch_sampler is not None
            else ShuffledBatches(train, cfg.batch_size, collate, generator)
        )
        if len(train_batches) == 0:
            raise TrainingError("the batch sampler gave no batches for epoch 0")
        valid_loader: DataLoader[Any] | None = None
        if valid is not None:
            valid_loader = DataLoader(
                cast(Dataset[Any], valid), batch_size=cfg.eval_batch_size or cfg.batch_size, collate_fn=collate
            )
        optimizer = make_optimizer(network, cfg)
        total_steps = cfg.epochs * len(train_batches)
        if cfg.max_steps is not None:
            total_steps = min(total_steps, cfg.max_steps)
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
            total_steps=total_steps,
        )

    def _run_epoch(self, run: _Run, state: RunState, hear: _Listeners, window: _Window) -> _Window:
        """The rest of the current epoch (all of it unless resumed mid-epoch), validating when due;
        returns early when the run ends inside it (step limit, patience, stop hook). ``window``
        holds the steps since the last validation; the one still open is returned."""
        cfg = self.config
        index, offset = divmod(state.step, run.steps_per_epoch)
        # A mid-epoch resume restored the generator to this epoch's start: drawing the
        # permutation again replays the epoch, so its state here is the one checkpoints keep.
        state.epoch_generator = run.generator.get_state()
        device = torch.device(cfg.device)
        params = [p for p in run.model.parameters() if p.requires_grad]
        run.model.train()
        hear.bar.start_epoch(index + 1, run.steps_per_epoch)
        for raw in run.train_batches.epoch(index, offset):
            batch = to_device(raw, device)
            loss = loss_of(run.model(batch), batch, run.loss_fn)
            if not torch.isfinite(loss):
                raise TrainingError(
                    f"loss is {loss.item()} at epoch {index + 1}, step {state.step + 1}; "
                    f"lower lr (now {cfg.lr}) or check the data"
                )
            run.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.max_grad_norm > 0:
                nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            window.lr = run.optimizer.param_groups[0]["lr"]
            run.optimizer.step()
            run.scheduler.step()
            if run.average is not None:
                run.average.update()
            size = batch_size(batch)
            window.total += loss.item() * size
            window.count += size
            state.step += 1
            hear.bar.step(state.step, window.mean_loss)
            state.stop_reason = (hear.stop() or "") if hear.stop is not None else ""
            if self._validation_due(run, state):
                record = self._validate(run, state, window)
            elif state.stop_reason:
                # Validating draws random numbers (a DataLoader seeds its workers): one the
                # schedule did not plan must leave them be, so a resumed run goes on unchanged.
                with untouched_random_state():
                    record = self._validate(run, state, window)
            else:
                continue
            hear.tracker.log_epoch(record)
            save_state(cfg, run, state)
            hear.bar.validated(record)
            if hear.on_epoch is not None:
                hear.on_epoch(record)
            if state.stopped_early or state.stop_reason or state.step >= run.total_steps:
                return window
            window = _Window()
            run.model.train()
        return window

    def _validation_due(self, run: _Run, state: RunState) -> bool:
        """Every ``eval_every`` steps (else at each epoch's end) and at the last step."""
        every = self.config.eval_every or run.steps_per_epoch
        return state.step % every == 0 or state.step >= run.total_steps

    def _validate(self, run: _Run, state: RunState, window: _Window) -> dict[str, Any]:
        """Score the model (the weight average, when kept), keep its weights if it is the best,
        and return the record of the steps since the last validation."""
        cfg = self.config
        epoch = math.ceil(state.step / run.steps_per_epoch)
        record: dict[str, Any] = {"epoch": epoch, "train_loss": window.mean_loss, "lr": window.lr}
        if cfg.eval_every:
            record = {"step": state.step, **record, "epoch": round(state.step / run.steps_per_epoch, 3)}
        if run.metric_fn is None:
            record.update(valid_metric=math.nan, improved=False)
        else:
            if run.average is not None:
                run.average.swap()
            metric = float(run.metric_fn(run.model, run.valid_loader))
            improved = not math.isnan(metric) and metric > state.best_metric + cfg.min_delta
            if improved:
                state.best_metric, state.best_epoch, state.best_step, state.bad_epochs = metric, epoch, state.step, 0
                state.best_weights = {k: v.detach().clone() for k, v in run.model.state_dict().items()}
            else:
                state.bad_epochs += 1
                state.stopped_early = state.bad_epochs >= cfg.patience
            if run.average is not None:
                run.average.swap()
            record.update(valid_metric=metric, improved=improved)
        state.cpu_seconds += time.process_time() - window.cpu_began
        over_budget = cfg.max_cpu_seconds is not None and state.cpu_seconds >= cfg.max_cpu_seconds
        state.stopped_early = state.step < run.total_steps and (state.stopped_early or over_budget)
        state.epoch = state.step // run.steps_per_epoch
        record.update(
            seconds=round(time.perf_counter() - window.began, 3),
            cpu_seconds=round(time.process_time() - window.cpu_began, 3),
        )
        state.history.append(record)
        return record
