"""Fine-tuning the packaged all-MiniLM-L6-v2 for classification on a CPU, within a time budget.

The generic trainer (:mod:`socialens.training.trainer`) validates and checkpoints once per epoch;
one epoch of the English training split takes over half an hour on the reference machine, so this
loop validates and checkpoints every ``eval_every`` steps instead, and groups texts of similar
length into the same batch (padding to the longest text of a random batch of tweets wastes about
half the work). ``epochs`` may be fractional (the learning-rate schedule decays to zero at the end).

Resumable: ``<checkpoint_dir>/last.pt`` holds the weights, optimizer, schedule and step after each
validation; the batch order of an epoch is a function of ``(seed, epoch)``, so a resumed run
continues with exactly the batches the interrupted one would have seen. ``best.pt`` holds the
weights with the best validation macro-F1 so far. The run stops early (at its best checkpoint)
when the clock passes ``stop_at`` (Unix time) or when a file ``STOP`` appears in the checkpoint folder.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import ConfigError, TrainingError

LAST, BEST, STOP = "last.pt", "best.pt", "STOP"


@dataclass(frozen=True)
class FinetuneSettings:
    """The run's settings (written into every checkpoint and the model card)."""

    epochs: float = 2.0
    batch_size: int = 32
    lr: float = 4e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_length: int = 64
    dropout: float = 0.1
    frozen_layers: int = 2  # the embeddings and this many lowest transformer layers stay as pretrained
    seed: int = 42
    eval_every: int = 300  # optimizer steps between validations (and checkpoints)
    group_size: int = 50  # batches per length-sorted pool
    num_threads: int = 2

    def __post_init__(self) -> None:
        if self.epochs <= 0 or self.batch_size < 1 or self.lr <= 0 or self.eval_every < 1 or self.max_length < 8:
            raise ConfigError(f"invalid fine-tuning settings: {self}")


@dataclass
class FinetuneResult:
    best_step: int
    best_metric: float
    steps_run: int
    total_steps: int
    stopped: str  # "finished", "stop_at" or "STOP file"
    history: list[dict[str, Any]]


def encode(texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Token ids of each text (with [CLS]/[SEP]), truncated to ``max_length``."""
    from socialens.models.encoders.minilm import load_tokenizer

    encoded = load_tokenizer()([t or " " for t in texts], truncation=True, max_length=max_length)
    return [list(ids) for ids in encoded["input_ids"]]


def pad(ids: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64, ``(B, T)``) padded to the longest row with id 0."""
    width = max(len(row) for row in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for i, row in enumerate(ids):
        input_ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return input_ids, mask


def epoch_batches(lengths: Sequence[int], batch_size: int, group_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Index batches of one epoch: a seeded shuffle, cut into pools of ``group_size`` batches, each
    pool sorted by length and cut into batches, then the batches shuffled."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    pool = batch_size * group_size
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool].tolist(), key=lambda i: lengths[i])
        batches.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def build_model(num_labels: int, dropout: float = 0.1) -> Any:
    from socialens.models.encoders.minilm import load_encoder
    from socialens.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig

    return TransformerClassifier(load_encoder(), TransformerClassifierConfig(num_labels=num_labels, dropout=dropout))


def freeze(model: Any, layers: int) -> None:
    """Keep the embeddings and the ``layers`` lowest transformer layers as pretrained (0: train all):
    no gradient flows through them, which saves about a third of the work per frozen layer."""
    if layers <= 0:
        return
    for part in [model.encoder.embeddings, *model.encoder.encoder.layer[:layers]]:
        for parameter in part.parameters():
            parameter.requires_grad_(False)


def predict_logits(model: Any, ids: Sequence[Sequence[int]], batch_size: int = 128) -> np.ndarray:
    """Logits of every row of ``ids`` (scored in length order, returned in input order)."""
    import torch

    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), model.head.out_features), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            input_ids, mask = pad([ids[i] for i in rows])
            batch = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
            out[rows] = model(batch).float().numpy()
    return out


def macro_f1(truth: Sequence[int], predicted: Sequence[int], n_classes: int) -> float:
    import torch

    from socialens.training.evaluation import macro_f1_score

    return macro_f1_score(torch.tensor(list(truth)), torch.tensor(list(predicted)), n_classes)


def finetune(
    train_texts: Sequence[str],
    train_labels: Sequence[int],
    valid_texts: Sequence[str],
    valid_labels: Sequence[int],
    num_labels: int,
    settings: FinetuneSettings,
    checkpoint_dir: Path,
    stop_at: float | None = None,
    say: Callable[[str], None] = print,
) -> tuple[Any, FinetuneResult]:
    """Fine-tune (resuming from ``checkpoint_dir/last.pt``); returns the model holding its best
    validation weights, and the run's record."""
    import torch

    if not len(train_texts) or not len(valid_texts):
        raise TrainingError("training and validation data must each hold at least one text")
    torch.set_num_threads(settings.num_threads)
    torch.manual_seed(settings.seed)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    model = build_model(num_labels, settings.dropout)
    freeze(model, settings.frozen_layers)
    train_ids, valid_ids = encode(train_texts, settings.max_length), encode(valid_texts, settings.max_length)
    lengths = [len(row) for row in train_ids]
    per_epoch = math.ceil(len(train_ids) / settings.batch_size)
    total = max(1, math.ceil(settings.epochs * per_epoch))
    optimizer, scheduler = _optimizer(model, settings, total)
    params = [p for p in model.parameters() if p.requires_grad]
    step, best_metric, best_step, history = 0, -math.inf, 0, []
    last = checkpoint_dir / LAST
    if last.is_file():
        state = torch.load(last, map_location="cpu", weights_only=False)
        if _resumable(state["settings"]) != _resumable(asdict(settings)) or state["total_steps"] != total:
            raise ConfigError(f"{last} was written with other settings; use another work directory")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, best_metric, best_step, history = (
            state["step"],
            state["best_metric"],
            state["best_step"],
            state["history"],
        )
        say(f"resumed at step {step:,} of {total:,} (best validation macro-F1 {best_metric:.4f} at step {best_step})")
    started, start_step, stopped = time.perf_counter(), step, "finished"
    running, counted = 0.0, 0
    if step and step < total and (resumed_halt := _halt(checkpoint_dir, stop_at)):
        stopped = resumed_halt  # a run stopped early, resumed while still told to stop: no more steps
    while step < total and stopped == "finished":
        epoch, offset = divmod(step, per_epoch)
        batches = epoch_batches(lengths, settings.batch_size, settings.group_size, settings.seed, epoch)
        model.train()
        for rows in batches[offset:]:
            input_ids, mask = pad([train_ids[i] for i in rows])
            batch = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
            labels = torch.tensor([train_labels[i] for i in rows], dtype=torch.long)
            loss = torch.nn.functional.cross_entropy(model(batch), labels)
            if not torch.isfinite(loss):
                raise TrainingError(f"loss is {loss.item()} at step {step + 1}; lower lr (now {settings.lr})")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            running, counted = running + loss.item(), counted + 1
            if step % 25 == 0 or step in (start_step + 1, total):
                rate = (time.perf_counter() - started) / (step - start_step)
                say(
                    f"step {step:,}/{total:,} (epoch {step / per_epoch:.2f}) loss {running / counted:.4f}, "
                    f"{rate:.2f} s/step, about {_minutes(rate * (total - step))} left"
                )
                running, counted = 0.0, 0
            halt = _halt(checkpoint_dir, stop_at)
            if step % settings.eval_every == 0 or step == total or halt:
                metric = macro_f1(valid_labels, predict_logits(model, valid_ids).argmax(1).tolist(), num_labels)
                model.train()
                history.append({"step": step, "epoch": round(step / per_epoch, 3), "valid_macro_f1": round(metric, 4)})
                if metric > best_metric:
                    best_metric, best_step = metric, step
                    _save(checkpoint_dir / BEST, {"model": model.state_dict(), "step": step, "metric": metric})
                _save(
                    last,
                    {
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                        "torch_rng": torch.get_rng_state(),
                        "step": step,
                        "best_metric": best_metric,
                        "best_step": best_step,
                        "history": history,
                        "settings": asdict(settings),
                        "total_steps": total,
                    },
                )
                say(
                    f"validation at step {step:,}: macro-F1 {metric:.4f} (best {best_metric:.4f} at step {best_step:,})"
                )
            if halt:
                stopped = halt
                break
            if step >= total:
                break
        if stopped != "finished":
            break
    best = torch.load(checkpoint_dir / BEST, map_location="cpu", weights_only=True)
    model.load_state_dict(best["model"])
    model.eval()
    return model, FinetuneResult(best_step, round(best_metric, 4), step, total, stopped, history)


def _resumable(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k != "num_threads"}  # threads change no result


def _halt(folder: Path, stop_at: float | None) -> str:
    if (folder / STOP).exists():
        return "STOP file"
    if stop_at is not None and time.time() >= stop_at:
        return "stop_at"
    return ""


def _optimizer(model: Any, settings: FinetuneSettings, total: int) -> tuple[Any, Any]:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": settings.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=settings.lr)
    warmup = round(settings.warmup_ratio * total)

    def factor(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _save(path: Path, state: dict[str, Any]) -> None:
    import torch

    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
