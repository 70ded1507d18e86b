"""``TrainConfig``: the settings of one training run, kept by a component as one setting (``train``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError

SCHEDULES = ("linear", "constant", "cosine")


@dataclass
class TrainConfig:
    """Settings of one training run. ``max_grad_norm=0`` turns clipping off; ``warmup_ratio`` is
    the share of all optimizer steps spent ramping the learning rate up from 0, after which
    ``schedule`` takes it linearly to 0 (``linear``), keeps it (``constant``) or follows a
    cosine to 0 (``cosine``). ``ema`` > 0 validates and keeps an exponential moving average of
    the weights (decay per step). ``max_cpu_seconds`` stops after the validation that passes
    that much CPU time of training (a budget that holds when other work shares the cores).
    ``eval_every`` validates and checkpoints every N optimizer steps (and at the last) instead
    of once an epoch; ``max_steps`` ends the run (and its schedule) after N steps, part way
    through an epoch if need be (a fraction of an epoch: ``ceil(fraction * batches per epoch)``)."""

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
    schedule: str = "linear"
    ema: float = 0.0
    max_cpu_seconds: float | None = None
    eval_every: int | None = None  # validate (and checkpoint) every N steps; None: once an epoch
    max_steps: int | None = None  # stop after N optimizer steps (the schedule ends there)

    def __post_init__(self) -> None:
        self.log_dir = _folder(self.log_dir)
        self.checkpoint_dir = _folder(self.checkpoint_dir)
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
            "schedule": self.schedule in SCHEDULES,
            "ema": 0 <= self.ema < 1,
            "max_cpu_seconds": self.max_cpu_seconds is None or self.max_cpu_seconds > 0,
            "eval_every": self.eval_every is None or self.eval_every >= 1,
            "max_steps": self.max_steps is None or self.max_steps >= 1,
        }
        bad = [f"{name}={getattr(self, name)!r}" for name, ok in checks.items() if not ok]
        if bad:
            raise ConfigError(
                f"TrainConfig: invalid setting(s) {', '.join(bad)} (schedule is one of {', '.join(SCHEDULES)}; "
                "ema lies in [0, 1))"
            )

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` (validated like a new one)."""
        return TrainConfig(**{**asdict(self), **changes})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (paths as strings), for model cards, saved settings and checkpoints."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; an unknown name is a ConfigError naming it."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(
                f"TrainConfig: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**values)


def train_setting(train: TrainConfig | dict[str, Any] | None, **defaults: Any) -> TrainConfig:
    """A component's ``train`` setting as a TrainConfig: one given, a dict of its fields (as saved
    in settings.json or written in TOML) laid over the component's ``defaults``, or the defaults."""
    if isinstance(train, TrainConfig):
        return train
    return TrainConfig.from_dict({**defaults, **(train or {})})


def component_train_config(component: Any) -> TrainConfig:
    """A component's training run: its ``train`` setting over its class's ``TRAIN_DEFAULTS``,
    seeded by its ``seed`` (which seeds everything else the component draws too)."""
    return train_setting(component.train, **component.TRAIN_DEFAULTS).replace(seed=component.seed)


def saved_settings(component: Any) -> dict[str, Any]:
    """A component's settings as given, ready for JSON or ``torch.load(weights_only=True)``: a
    ``train`` given as a TrainConfig is written as its dict (which reads back as the same run)."""
    params = component.get_params()
    train = params.get("train")
    return {**params, "train": train.to_dict()} if isinstance(train, TrainConfig) else params


def fold_train_settings(settings: dict[str, Any], keep: tuple[str, ...] = ("seed",)) -> dict[str, Any]:
    """``settings`` with the run settings written flat (``epochs=3``, ``lr=...``: the saved form
    before ``train`` was one setting, and command-line options) moved under ``train``; the names
    in ``keep`` stay where they are."""
    names = {f.name for f in fields(TrainConfig)} - set(keep)
    flat = {k: v for k, v in settings.items() if k in names}
    if not flat:
        return dict(settings)
    rest = {k: v for k, v in settings.items() if k not in names}
    given = rest.get("train")
    base = given.to_dict() if isinstance(given, TrainConfig) else dict(given or {})
    return {**rest, "train": {**base, **flat}}


def _folder(value: Path | str | None) -> Path | None:
    return Path(value).expanduser() if value not in (None, "") else None
