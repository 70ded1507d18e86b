"""A registered head-only image classifier applied to the features ``analyze images`` stored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from socialens.analyses.images.analyze import ImagesTask
from socialens.analyses.images.classifier import CLASS_TASK, EfficientNetClassifier, classify_posts
from socialens.errors import ConfigError
from socialens.schema import Media
from socialens.store import Store
from socialens.store.media_queries import write_frames, write_media
from socialens.training.model_registry import ModelRegistry
from tests.conftest import rows


def _register(models: Path, unfreeze: int = 0) -> None:
    model = EfficientNetClassifier(num_classes=2, unfreeze=unfreeze)
    with torch.no_grad():  # class "big" when feature 0 is large, "small" otherwise
        model.head[1].weight.zero_()
        model.head[1].bias.zero_()
        model.head[1].weight[0, 0], model.head[1].weight[1, 0] = 5.0, -5.0
    registry = ModelRegistry(models)
    card = registry.save(
        "toy", model.save_state(), {"task": "image-classifier", "language": "multi", "labels": ["big", "small"]}
    )
    registry.set_default("image-classifier", "multi", card.name)


def _frames(store: Store) -> None:
    media = [Media(id=f"m{i}", post=f"p{i}", platform="x", kind="image") for i in range(3)]
    write_media(store, media)
    features = np.zeros((3, 1280), dtype=np.float32)
    features[0, 0], features[1, 0], features[2, 0] = 3.0, -3.0, 2.0
    write_frames(
        store,
        [
            {"platform": "x", "media_id": f"m{i}", "frame_ms": 0, "post": f"p{i}", "features": features[i].tolist()}
            for i in range(3)
        ],
    )


def test_posts_get_the_classifier_label(store: Store, tmp_path: Path) -> None:
    _register(tmp_path / "models")
    _frames(store)
    result = classify_posts(store, tmp_path / "models")
    assert result["classified"] == 3 and result["labels"] == {"big": 2, "small": 1}
    labels = dict(rows(store, "SELECT post_id, label FROM post_scores WHERE task = ?", [CLASS_TASK]))
    assert labels == {"p0": "big", "p1": "small", "p2": "big"}
    assert ImagesTask.from_values({"classifier": "default"}).settings.classifier == "default"


def test_a_body_tuned_model_is_refused(store: Store, tmp_path: Path) -> None:
    _register(tmp_path / "models", unfreeze=1)
    _frames(store)
    with pytest.raises(ConfigError, match="head-only"):
        classify_posts(store, tmp_path / "models")
