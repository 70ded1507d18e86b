"""Train, score and apply the engagement model: the Python API behind the CLI.

Protocol: the cleaned ``dslabs/trump_tweets`` (``socialens.datasets.trump``) split by time,
oldest 80% train, next 10% validation, newest 10% test. Targets are ``log1p`` retweet and
favourite counts. Reported on validation and test, for the model and for the same learner on
time + history alone: Spearman correlation of predicted and true level, and the AUC of the
prediction for "in the top decile of the part's true counts".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.engagement.features import (
    HISTORY_FEATURES,
    TARGETS,
    TIME_FEATURES,
    Posts,
    meta_features,
    split_by_time,
    targets,
)
from socialens.analyses.engagement.text import embed_texts
from socialens.errors import ModelNotFoundError
from socialens.progress import NoProgress, Progress

TASK = "engagement"
# Trees predict each target relative to the author's mean over the last 20 earlier posts.
OFFSETS = tuple(len(TIME_FEATURES) + HISTORY_FEATURES.index(f"{target}_mean_20") for target in TARGETS)
_MODEL_FILE = "model.pkl"


def spearman(actual: np.ndarray, predicted: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(actual, predicted).statistic) if len(actual) > 1 else float("nan")


def top_decile_auc(actual: np.ndarray, predicted: np.ndarray) -> float:
    """AUC of ``predicted`` for "``actual`` is at or above its own 90th percentile"."""
    from socialens.analyses.ctr.models import auc

    return auc(actual >= np.quantile(actual, 0.9), predicted) if len(actual) else float("nan")


def score(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Per target: ``<target>_spearman`` and ``<target>_top10_auc``."""
    out: dict[str, float] = {}
    for k, name in enumerate(TARGETS):
        out[f"{name}_spearman"] = round(spearman(actual[:, k], predicted[:, k]), 4)
        out[f"{name}_top10_auc"] = round(top_decile_auc(actual[:, k], predicted[:, k]), 4)
    return out


def load_engagement_data(encoder: str, limit: int | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Meta features, text vectors, targets and time split of the bundled tweets."""
    from socialens.datasets.trump import PROCEDURE, load_trump_tweets

    tweets = load_trump_tweets(limit=limit)
    posts = Posts(["trump"] * len(tweets), tweets.times, tweets.retweets, tweets.favourites)
    bar = progress or NoProgress()
    bar.start(f"embedding {len(tweets):,} tweets ({encoder})", len(tweets))
    return {
        "meta": meta_features(posts),
        "text": embed_texts(tweets.texts, encoder, progress=bar.advance),
        "targets": targets(posts),
        "part": split_by_time(tweets.times),
        "procedure": PROCEDURE + ("" if limit is None else f"; the newest {limit:,} only"),
        "ids": tweets.ids,
    }


def fit_and_score(data: dict[str, Any], settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit the model (with text) and the baseline (without) on the training part; score both."""
    from socialens.analyses.engagement.model import EngagementRegressor

    part, meta, text, y = data["part"], data["meta"], data["text"], data["targets"]
    train = part == 0
    use_text = text.shape[1] > 0
    settings = {"offset_columns": OFFSETS, **(settings or {})}
    model = EngagementRegressor(**settings).fit(meta[train], y[train], text[train] if use_text else None)
    baseline = EngagementRegressor(**settings).fit(meta[train], y[train])
    metrics: dict[str, Any] = {}
    for index, name in ((1, "valid"), (2, "test")):
        rows = part == index
        predicted = model.predict(meta[rows], text[rows] if use_text else None)
        metrics[name] = score(y[rows], predicted)
        metrics[f"{name}_baseline"] = score(y[rows], baseline.predict(meta[rows]))
        metrics[f"n_{name}"] = int(rows.sum())
    metrics["n_train"] = int(train.sum())
    return {"model": model, "baseline": baseline, "metrics": metrics}


def train_engagement(
    encoder: str = "minilm",
    *,
    limit: int | None = None,
    settings: dict[str, Any] | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on the reference split, save to the model registry, return the card as a dict."""
    from socialens.training.model_registry import ModelRegistry, fingerprint

    data = load_engagement_data(encoder, limit, progress)
    fitted = fit_and_score(data, settings)
    model = fitted["model"]
    card = ModelRegistry(models_dir).save(
        f"engagement-{encoder}",
        model.save,
        {
            "task": TASK,
            "language": "en",
            "architecture": model.registry_name,
            "data_hash": fingerprint(data["ids"]),
            "split": data["procedure"] + "; by time: oldest 80% train, next 10% validation, newest 10% test",
            "labels": list(TARGETS),
            "metrics": fitted["metrics"],
            "settings": {**model.get_params(), "text_encoder": encoder},
        },
    )
    return card.to_dict() | {"path": str(card.path)}


def load_engagement_model(name: str | None = None, models_dir: Path | None = None) -> tuple[Any, str, str]:
    """``(model, text encoder, "name vN")``: a named model, else the default engagement model."""
    from socialens.registry import get
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    card = registry.load_card(name) if name else registry.default(TASK, "en")
    if card.path is None:
        raise ModelNotFoundError(f"{card.name} v{card.version} has no folder; train it again")
    model = get(card.architecture).load(card.path)  # type: ignore[attr-defined]
    return model, str(card.settings.get("text_encoder", "minilm")), f"{card.name} v{card.version}"


def predict_engagement(
    texts: Sequence[str],
    times: Sequence[datetime],
    *,
    authors: Sequence[str] | None = None,
    history: Posts | None = None,
    name: str | None = None,
    models_dir: Path | None = None,
) -> list[dict[str, float]]:
    """Predicted retweets and favourites of new posts (``texts`` published at ``times``).

    ``history``: the authors' earlier posts with their counts; without it every post is
    scored as its author's first. ``authors`` defaults to one author for all posts.
    """
    model, encoder, _ = load_engagement_model(name, models_dir)
    authors = list(authors) if authors is not None else [""] * len(texts)
    before = history or Posts([], [], [], [])
    posts = Posts(
        [*before.authors, *authors],
        [*before.times, *times],
        [*before.retweets, *[np.nan] * len(texts)],
        [*before.favourites, *[np.nan] * len(texts)],
    )
    meta = meta_features(posts)[len(before.authors) :]
    vectors = embed_texts(list(texts), encoder)
    predicted = model.predict(meta, vectors if model.pca_ is not None else None)
    return [levels(row) for row in predicted]


def levels(row: np.ndarray) -> dict[str, float]:
    """Predicted log levels and the counts they stand for."""
    out: dict[str, float] = {}
    for k, target in enumerate(TARGETS):
        out[f"{target}_level"] = round(float(row[k]), 4)
        out[target] = round(float(np.expm1(max(row[k], 0.0))), 1)
    return out
