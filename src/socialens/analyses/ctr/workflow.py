"""Train click-through models on MovieLens-100K, save them, and score new (user, item, time) rows.

The split and fields are ``socialens.datasets.ctr_features``'s; with ``history`` L > 0 (the
default, 50) every row also carries the behaviour history of ``socialens.analyses.ctr.history``
(statistic fields and the last L earlier items with their ratings), for every model alike.
Models: ``dcnv2`` (the default), ``din`` (attention over the earlier items), ``deepfm``, ``logistic``
(one-hot fields, multi-hot earlier items) and ``logistic-crossed`` (plus user x genre and item
x audience crosses; reference fields only). Each is fitted on the training part,
early-stopped (neural ones) on the validation part, and scored once on the test part.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import ConfigError, ModelNotFoundError

TASK = "ctr"
MODELS = ("din", "deepfm", "dcnv2", "logistic", "logistic-crossed")  # the registry's ctr short names + one variant
DEFAULT_MODEL = "dcnv2"  # the best validation AUC in benchmarks/quality/ctr.py (by 0.0008 over DIN)
HISTORY = 50
# Settings the workflow starts from, under the caller's: full-rank crosses over 35 fields x 32
# dimensions are 1120 x 1120 per layer; rank 64 scored as well on validation at a fraction of the cost.
BASE_SETTINGS: dict[str, dict[str, Any]] = {"dcnv2": {"low_rank": 64}}
_ENCODER_FILE = "encoder.json"


def make_model(model: str, settings: Mapping[str, Any] | None = None) -> Any:
    """A fresh component; ``settings`` may hold ``history`` (earlier items per row, default 50).

    ``model`` is a short name of the registry's ``ctr`` family (``din``, ``dcnv2``...) or
    ``logistic-crossed``: the logistic model with crossed fields and no history.
    """
    from socialens.errors import UnknownComponentError
    from socialens.registry import get, resolve

    crossed = model == "logistic-crossed"
    settings = {
        "history": 0 if crossed else HISTORY,
        **({"crosses": True} if crossed else {}),
        **BASE_SETTINGS.get(model, {}),
        **(settings or {}),
    }
    try:
        cls: Any = get(resolve("logistic" if crossed else model, TASK))
    except UnknownComponentError:
        raise ConfigError(f"unknown ctr model {model!r}; available: {', '.join(MODELS)}") from None
    if "train" in cls._param_names():  # epochs=, lr=... (options, older callers): the training run's
        from socialens.training.config import fold_train_settings

        settings = fold_train_settings(settings)
    try:
        return cls(**settings)
    except TypeError as exc:
        raise ConfigError(f"ctr model {model!r}: {exc}") from None


def fit_and_score(model: Any, split: Any) -> dict[str, Any]:
    """Fit on the training part; AUC and log loss on validation and test, fit seconds."""
    from socialens.analyses.ctr.models import auc, log_loss

    started = time.perf_counter()
    model.fit(split.train_x, split.train_y, valid=(split.valid_x, split.valid_y), num_features=split.num_features)
    metrics: dict[str, Any] = {"fit_seconds": round(time.perf_counter() - started, 2)}
    for name, x, y in (("valid", split.valid_x, split.valid_y), ("test", split.test_x, split.test_y)):
        p = model.predict_proba(x)
        metrics[f"{name}_auc"] = round(auc(y, p), 4)
        metrics[f"{name}_log_loss"] = round(log_loss(y, p), 4)
        metrics[f"n_{name}"] = len(y)
    metrics["n_train"] = len(split.train_y)
    metrics["click_rate_test"] = round(float(np.mean(split.test_y)), 4)
    history = getattr(getattr(model, "training_", None), "history", None)
    if history:
        metrics["epochs_run"] = len(history)
        metrics["best_epoch"] = model.training_.best_epoch
    return metrics


def train_ctr(
    model: str = DEFAULT_MODEL,
    *,
    limit: int | None = None,
    settings: Mapping[str, Any] | None = None,
    models_dir: Path | None = None,
) -> dict[str, Any]:
    """Train ``model`` on the reference split, save it in the registry, return its card as a dict."""
    from socialens.analyses.ctr.data import load_history_split
    from socialens.training.config import saved_settings
    from socialens.training.model_registry import ModelRegistry

    component = make_model(model, settings)
    split = load_history_split(component.history, limit=limit)
    metrics = fit_and_score(component, split)

    def write(folder: Path) -> None:
        component.save(folder)
        (folder / _ENCODER_FILE).write_text(json.dumps(split.encoders()), encoding="utf-8")

    card = ModelRegistry(models_dir).save(
        f"ctr-{model}",
        write,
        {
            "task": TASK,
            "language": "multi",
            "architecture": component.registry_name,
            "data_hash": split.data_hash,
            "split": split.procedure,
            "labels": ["no click", "click"],
            "metrics": metrics,
            "settings": saved_settings(component),
        },
    )
    return card.to_dict() | {"path": str(card.path)}


def predict_ctr(
    records: Sequence[Mapping[str, Any]], *, name: str | None = None, models_dir: Path | None = None
) -> list[float]:
    """Click probability of each record (``user_id``, ``item_id``, ``age``, ``gender``,
    ``occupation``, ``genres``, ``timestamp``), from a named model or the default ctr model.
    A model trained with history reads each record's history from the bundled MovieLens
    ratings strictly before its timestamp (none for a user or item MovieLens does not know)."""
    from socialens.registry import get
    from socialens.training.model_registry import ModelRegistry

    if not records:
        return []
    registry = ModelRegistry(models_dir)
    card = registry.load_card(name) if name else registry.default(TASK, "multi")
    folder = card.path
    if folder is None:
        raise ModelNotFoundError(f"{card.name} v{card.version} has no folder; train it again")
    component = get(card.architecture).load(folder)  # type: ignore[attr-defined]
    x = encode_records(records, json.loads((folder / _ENCODER_FILE).read_text(encoding="utf-8")))
    return [round(float(p), 6) for p in component.predict_proba(x)]


def encode_records(records: Sequence[Mapping[str, Any]], encoders: Mapping[str, Any]) -> np.ndarray:
    """Model rows for plain records with the saved encoders (``HistorySplit.encoders()``)."""
    from socialens.analyses.ctr.data import history_columns, movielens_log
    from socialens.analyses.ctr.history import HistoryEncoder, Queries
    from socialens.datasets.ctr_features import GENRES, CtrEncoder, columns_from_records, load_movielens_columns

    # Models saved before history existed stored the field encoder alone.
    encoder = CtrEncoder.from_dict(encoders["fields"] if "vocab" not in encoders else encoders)
    columns = columns_from_records(records)
    x = encoder.transform(columns)
    if not encoders.get("history"):
        return x
    known, _, seconds = load_movielens_columns()
    log = movielens_log(known, seconds, encoder.transform(known)[:, 1])
    queries = Queries(
        _movielens_ids(columns["user"]),
        _movielens_ids(columns["item"]),
        _seconds(records),
        np.stack([columns[f"genre:{g}"] == "1" for g in GENRES], axis=1),
    )
    history = HistoryEncoder.from_dict(encoders["history"])
    return np.concatenate([x, history_columns(log, queries, history, int(encoders["length"]))], axis=1)


def _movielens_ids(values: np.ndarray) -> np.ndarray:
    """MovieLens ids are positive integers; anything else (-1) has no history there."""
    return np.array([int(v) if v.isdigit() else -1 for v in values.tolist()], dtype=np.int64)


def _seconds(records: Sequence[Mapping[str, Any]]) -> np.ndarray:
    stamps = [r["timestamp"] for r in records]
    return np.array([s.timestamp() if hasattr(s, "timestamp") else float(s) for s in stamps], dtype=np.int64)
