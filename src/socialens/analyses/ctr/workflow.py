"""Train click-through models on MovieLens-100K, save them, and score new (user, item, time) rows.

The split and fields are ``socialens.datasets.ctr_features``'s. Models: ``deepfm``, ``dcnv2``,
``logistic`` (one-hot fields) and ``logistic-crossed`` (plus user x genre and item x
audience crosses). Each is fitted on the training part, early-stopped (neural ones) on the
validation part, and scored once on the test part: AUC and log loss.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import ConfigError, ModelNotFoundError

TASK = "ctr"
MODELS = ("deepfm", "dcnv2", "logistic", "logistic-crossed")
_ENCODER_FILE = "encoder.json"
_MODEL_FILE = "model.pkl"


def make_model(model: str, settings: Mapping[str, Any] | None = None) -> Any:
    from socialens.analyses.ctr.models import DCNv2Ctr, DeepFMCtr, LogisticCtr

    settings = dict(settings or {})
    factories: dict[str, Any] = {
        "deepfm": lambda: DeepFMCtr(**settings),
        "dcnv2": lambda: DCNv2Ctr(**settings),
        "logistic": lambda: LogisticCtr(**settings),
        "logistic-crossed": lambda: LogisticCtr(**{"crosses": True, **settings}),
    }
    if model not in factories:
        raise ConfigError(f"unknown ctr model {model!r}; available: {', '.join(MODELS)}")
    try:
        return factories[model]()
    except TypeError as exc:
        raise ConfigError(f"ctr model {model!r}: {exc}") from None


def fit_and_score(model: Any, split: Any) -> dict[str, Any]:
    """Fit on the training part; AUC and log loss on validation and test, fit seconds."""
    from socialens.analyses.ctr.models import auc, log_loss

    started = time.perf_counter()
    model.fit(
        split.train_x, split.train_y, valid=(split.valid_x, split.valid_y), num_features=split.encoder.num_features
    )
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
    model: str = "deepfm",
    *,
    limit: int | None = None,
    settings: Mapping[str, Any] | None = None,
    models_dir: Path | None = None,
) -> dict[str, Any]:
    """Train ``model`` on the reference split, save it in the registry, return its card as a dict."""
    from socialens.datasets.ctr_features import load_ctr_split
    from socialens.training.model_registry import ModelRegistry

    component = make_model(model, settings)
    split = load_ctr_split(limit=limit)
    metrics = fit_and_score(component, split)

    def write(folder: Path) -> None:
        (folder / _MODEL_FILE).write_bytes(pickle.dumps(component))
        (folder / _ENCODER_FILE).write_text(json.dumps(split.encoder.to_dict()), encoding="utf-8")

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
            "settings": component.get_params(),
        },
    )
    return card.to_dict() | {"path": str(card.path)}


def predict_ctr(
    records: Sequence[Mapping[str, Any]], *, name: str | None = None, models_dir: Path | None = None
) -> list[float]:
    """Click probability of each record (``user_id``, ``item_id``, ``age``, ``gender``,
    ``occupation``, ``genres``, ``timestamp``), from a named model or the default ctr model."""
    from socialens.datasets.ctr_features import CtrEncoder, columns_from_records
    from socialens.training.model_registry import ModelRegistry

    if not records:
        return []
    registry = ModelRegistry(models_dir)
    card = registry.load_card(name) if name else registry.default(TASK, "multi")
    folder = card.path
    if folder is None or not (folder / _MODEL_FILE).is_file():
        raise ModelNotFoundError(f"{card.name} v{card.version} has no {_MODEL_FILE}; train it again")
    component = pickle.loads((folder / _MODEL_FILE).read_bytes())
    encoder = CtrEncoder.from_dict(json.loads((folder / _ENCODER_FILE).read_text(encoding="utf-8")))
    x = encoder.transform(columns_from_records(records))
    return [round(float(p), 6) for p in component.predict_proba(x)]
