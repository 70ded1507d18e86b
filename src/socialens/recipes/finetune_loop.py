"""Fine-tuning the packaged all-MiniLM-L6-v2 for classification on a CPU, within a time budget.

The recipe's own parts around the shared trainer (:mod:`socialens.training.trainer`): its
settings, the tokenised texts, the network, its batches and its validation. One epoch of the
English training split takes over half an hour on the reference machine, so the run validates
and checkpoints every ``eval_every`` steps, and groups texts of similar length into the same
batch (padding to the longest text of a random batch of tweets wastes about half the work).
``epochs`` may be fractional (the learning-rate schedule decays to zero at the last step).

Resumable: ``<checkpoint_dir>/last.pt`` holds the weights, optimizer, schedule and step after each
validation; the batch order of an epoch is a function of ``(seed, epoch)``, so a resumed run
continues with exactly the batches the interrupted one would have seen. ``best.pt`` holds the
weights with the best validation macro-F1 so far. The run stops early (at its best checkpoint)
when the clock passes ``stop_at`` (Unix time) or when a file ``STOP`` appears in the checkpoint folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from socialens.errors import ConfigError, TrainingError

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig

SETTINGS = "recipe-settings.json"
NEVER = 2**31 - 1  # patience: validations without improvement never end the run


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

    from socialens.training.stopping import stop_file_or_deadline
    from socialens.training.trainer import Trainer

    if not len(train_texts) or not len(valid_texts):
        raise TrainingError("training and validation data must each hold at least one text")
    check_same_settings(checkpoint_dir, settings)
    train_ids, valid_ids = encode(train_texts, settings.max_length), encode(valid_texts, settings.max_length)
    lengths = [len(row) for row in train_ids]
    per_epoch = math.ceil(len(train_ids) / settings.batch_size)
    items = list(zip(train_ids, train_labels, strict=True))

    def build() -> Any:  # under the run's seed: the head's initial weights depend on it alone
        model = build_model(num_labels, settings.dropout)
        freeze(model, settings.frozen_layers)
        return model

    def batches(epoch: int) -> list[list[int]]:
        return epoch_batches(lengths, settings.batch_size, settings.group_size, settings.seed, epoch)

    def collate(rows: list[tuple[list[int], int]]) -> dict[str, Any]:
        input_ids, mask = pad([ids for ids, _ in rows])
        labels = torch.tensor([label for _, label in rows], dtype=torch.long)
        return {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask), "labels": labels}

    def validation_f1(model: Any, _: Any) -> float:
        return macro_f1(valid_labels, predict_logits(model, valid_ids).argmax(1).tolist(), num_labels)

    result = Trainer(train_config(settings, per_epoch, checkpoint_dir)).fit(
        build,
        items,
        collate_fn=collate,
        metric_fn=validation_f1,
        resume=True,
        progress=say,
        batch_sampler=batches,
        stop=stop_file_or_deadline(checkpoint_dir, stop_at),
    )
    history = [
        {"step": r["step"], "epoch": r["epoch"], "valid_macro_f1": round(r["valid_metric"], 4)} for r in result.history
    ]
    stopped = result.stop_reason or "finished"
    record = FinetuneResult(
        result.best_step, round(result.best_metric, 4), result.steps_run, result.total_steps, stopped, history
    )
    return result.model, record


def check_same_settings(checkpoint_dir: Path, settings: FinetuneSettings) -> None:
    """Refuse to resume a run written with other settings (the trainer compares its own; this
    covers the recipe's: text length, dropout, frozen layers, batch pools, validation interval)."""
    from socialens.training.checkpoint import LAST

    path = checkpoint_dir / SETTINGS
    given = {k: v for k, v in asdict(settings).items() if k != "num_threads"}  # threads change no result
    if (checkpoint_dir / LAST).is_file() and path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved != given:
            raise ConfigError(f"{checkpoint_dir / LAST} was written with other settings; use another work directory")
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(given, sort_keys=True), encoding="utf-8")


def train_config(settings: FinetuneSettings, steps_per_epoch: int, checkpoint_dir: Path) -> TrainConfig:
    """The trainer's run for ``settings`` (the names both share: batch size, lr, weight decay,
    warmup, seed, threads, ``eval_every``): fractional epochs become a step limit; no early
    stopping on patience (the run keeps its best validation whatever follows); clipping at 1."""
    from socialens.training.config import TrainConfig

    known = {f.name for f in fields(TrainConfig)} - {"epochs"}
    shared = {k: v for k, v in asdict(settings).items() if k in known}
    return TrainConfig(
        **shared,
        epochs=math.ceil(settings.epochs),
        max_steps=max(1, math.ceil(settings.epochs * steps_per_epoch)),
        patience=NEVER,
        max_grad_norm=1.0,
        checkpoint_dir=checkpoint_dir,
    )
