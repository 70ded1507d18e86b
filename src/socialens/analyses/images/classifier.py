"""EfficientNet-lite0 with a new head for a user's classes, trained with the shared trainer.

With ``unfreeze=0`` the pretrained body is a fixed feature extractor: its 1,280-d features are
computed once per picture and only the head trains (seconds per epoch on a CPU). With
``unfreeze=N`` the last N blocks and the head convolution train as well, on the crops.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset

from socialens.progress import Progress

FEATURES = 1280


class EfficientNetClassifier(nn.Module):
    """``forward({"features": (B, 1280)})`` or ``forward({"pixels": (B, 3, 224, 224)})`` -> ``(B, classes)``."""

    def __init__(self, num_classes: int, unfreeze: int = 0, dropout: float = 0.2) -> None:
        super().__init__()
        from socialens.models.encoders.efficientnet_lite import load_efficientnet_lite0

        self.num_classes = num_classes
        self.unfreeze = unfreeze
        self.body = load_efficientnet_lite0()
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(FEATURES, num_classes))
        for p in self.body.parameters():
            p.requires_grad = False
        if unfreeze > 0:
            tuned = [*self.body._blocks[-unfreeze:], self.body._conv_head, self.body._bn1]
            for module in tuned:
                for p in module.parameters():
                    p.requires_grad = True

    def embed(self, pixels: torch.Tensor) -> torch.Tensor:
        from socialens.models.encoders.efficientnet_lite import features_and_logits

        pooled, _ = features_and_logits(self.body, pixels)
        return pooled  # (B, 1280)

    def forward(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        if "features" in batch:
            return self.head(batch["features"])
        return self.head(self.embed(batch["pixels"]))

    def train(self, mode: bool = True) -> EfficientNetClassifier:
        super().train(mode)
        if self.unfreeze == 0:
            self.body.eval()  # frozen batch-norm statistics stay the pretrained ones
        return self

    def save_state(self) -> dict[str, Any]:
        """What the registry keeps: the head, plus the tuned body weights when some were trained."""
        state: dict[str, Any] = {f"head.{k}": v for k, v in self.head.state_dict().items()}
        if self.unfreeze:
            state.update({f"body.{k}": v for k, v in self.body.state_dict().items()})
        return {"state": state, "num_classes": self.num_classes, "unfreeze": self.unfreeze}


class _Items(Dataset[dict[str, torch.Tensor]]):
    def __init__(self, key: str, values: torch.Tensor, labels: np.ndarray) -> None:
        self.key, self.values, self.labels = key, values, torch.from_numpy(labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {self.key: self.values[i], "labels": self.labels[i]}


def fit_classifier(
    model: EfficientNetClassifier,
    crops: np.ndarray,
    labels: np.ndarray,
    split: tuple[np.ndarray, np.ndarray, np.ndarray],
    epochs: int,
    bar: Progress,
    verbose: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Train on ``split[0]``, stop early on ``split[1]``, report accuracy and macro-F1 on ``split[2]``."""
    from socialens.analyses.images.fashion import classification_metrics
    from socialens.models.encoders.efficientnet_lite import pixels_to_input
    from socialens.training.trainer import TrainConfig, Trainer

    train, valid, test = split
    if model.unfreeze == 0:
        key, inputs = "features", _features(model, crops, pixels_to_input, bar)
    else:
        key, inputs = "pixels", pixels_to_input(list(crops))
    config = TrainConfig(epochs=epochs, batch_size=32, lr=3e-3 if model.unfreeze == 0 else 3e-4, patience=4, seed=42)
    result = Trainer(config).fit(
        model,
        _Items(key, inputs[train], labels[train]),
        _Items(key, inputs[valid], labels[valid]),
        progress=verbose,
    )
    with torch.inference_mode():
        model.eval()
        predicted = model({key: inputs[test]}).argmax(-1).numpy()
    return result.history, classification_metrics(labels[test], predicted)


def _features(model: EfficientNetClassifier, crops: np.ndarray, to_input: Any, bar: Progress) -> torch.Tensor:
    bar.start("extracting features", len(crops))
    chunks = []
    with torch.inference_mode():
        for start in range(0, len(crops), 32):
            chunks.append(model.embed(to_input(list(crops[start : start + 32]))))
            bar.advance(len(chunks[-1]))
    return torch.cat(chunks)


def load_classifier(folder: Path) -> EfficientNetClassifier:
    """A registered image classifier from its registry version folder."""
    saved = torch.load(folder / "model.pt", map_location="cpu", weights_only=True)
    model = EfficientNetClassifier(saved["num_classes"], saved["unfreeze"])
    state = saved["state"]
    model.head.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("head.")})
    body = {k[5:]: v for k, v in state.items() if k.startswith("body.")}
    if body:
        model.body.load_state_dict(body)
    return model.eval()


CLASS_TASK = "image_class"


def classify_posts(store: Any, models_dir: Path | None = None, name: str = "default") -> dict[str, Any]:
    """Each post's pictures through a registered image classifier (``post_scores`` task ``image_class``).

    Uses the features ``analyze images`` stored, so it needs a head-only model (``unfreeze=0``,
    whose body is the unchanged pretrained network); a post's label comes from the mean of its
    frames' class probabilities.
    """
    import orjson
    import pyarrow as pa

    from socialens.errors import ConfigError
    from socialens.store.media_queries import frame_features_by_post
    from socialens.store.scores import write_scores
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    card = registry.default("image-classifier", "multi") if name == "default" else registry.load_card(name)
    assert card.path is not None
    model = load_classifier(card.path)
    if model.unfreeze:
        raise ConfigError(
            f"{card.name} v{card.version} tuned its body (unfreeze={model.unfreeze}); classify with a head-only model"
        )
    posts = frame_features_by_post(store)
    if not posts:
        return {"classified": 0}
    with torch.inference_mode():
        probabilities = [
            model.head(torch.tensor(np.asarray(frames, dtype=np.float32))).softmax(-1).mean(0).tolist()
            for frames in posts["features"]
        ]
    best = [int(np.argmax(p)) for p in probabilities]
    write_scores(
        store,
        pa.table(
            {
                "platform": posts["platform"],
                "post_id": posts["post"],
                "task": [CLASS_TASK] * len(best),
                "label": [card.labels[b] for b in best],
                "score": [round(p[b], 4) for p, b in zip(probabilities, best, strict=True)],
                "probabilities": [
                    orjson.dumps({lab: round(x, 4) for lab, x in zip(card.labels, p, strict=True)}).decode()
                    for p in probabilities
                ],
                "model": [f"{card.name} v{card.version}"] * len(best),
            }
        ),
    )
    counts: dict[str, int] = {}
    for b in best:
        counts[card.labels[b]] = counts.get(card.labels[b], 0) + 1
    return {"classified": len(best), "model": f"{card.name} v{card.version}", "labels": counts}
