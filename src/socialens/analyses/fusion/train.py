"""``socialens train fusion``: a late-fusion model (MiniLM text embedding + EfficientNet-lite0 picture
features -> label) trained on the constructed pairing, registered as the default fusion model.

No image-text social-media data set installs offline, so the training data is the pairing
:func:`socialens.analyses.images.fusion.constructed_pairs` builds from real parts and says so
(Fashion-MNIST test pictures of six clothing classes, each with a real, degraded review of its
class; seed 42; 60/20/20 stratified split). Pictures are featurised at 224 px, the size
``analyze images`` uses for posts, and the held-out test split is scored through
:func:`socialens.analyses.images.fusion_posts.predict_fusion`, the function real posts go
through; the text-only and picture-only baselines are trained with the same head, trainer and
split and recorded on the card beside it. ``--limit N`` keeps N pairs per class (quick runs).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from socialens.errors import ConfigError
from socialens.training.request import TrainRequest, read_options

# Trained on packaged data, not on the store: `socialens train` opens no store.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """``socialens train fusion [--limit N per class] [--epochs N] [-o keep=0.5] [-o size=224]``."""
    from socialens.analyses.images.fashion import classification_metrics
    from socialens.analyses.images.fusion import (
        SEED,
        constructed_pairs,
        embed_texts,
        picture_features,
        split,
        train_fusion,
    )
    from socialens.analyses.images.fusion_posts import predict_fusion, save_fusion

    keep, size, seed = _options(request.options)
    limit, epochs, bar = request.limit, request.epochs or 30, request.progress
    started = time.perf_counter()
    pairs = constructed_pairs(seed=seed, keep=keep)
    chosen = _per_class(pairs.labels, limit, seed)
    labels = pairs.labels[chosen]
    bar.start("embedding review texts", None)
    text = embed_texts([pairs.texts[i] for i in chosen])
    bar.start("picture features", None)
    from PIL import Image

    image = picture_features([Image.fromarray(pairs.pictures[i]).convert("RGB") for i in chosen], size=size)
    parts = split(labels, SEED)
    metrics: dict[str, Any] = {}
    for name, use_text, use_image in (("text_only", True, False), ("image_only", False, True)):
        bar.start(f"training the {name.replace('_', ' ')} baseline", None)
        only = {"use_text": use_text, "use_image": use_image}
        _, metrics[name] = train_fusion(text, image, labels, parts, epochs=epochs, **only)
    bar.start("training late fusion", None)
    fused, trained = train_fusion(text, image, labels, parts, epochs=epochs)
    test = parts[2]
    predicted = predict_fusion(fused, text[test], image[test]).argmax(-1)  # the path posts take
    metrics["fusion"] = {**classification_metrics(labels[test], predicted), "best_epoch": trained["best_epoch"]}
    card = save_fusion(
        fused,
        pairs.names,
        {**metrics["fusion"], "baselines": {k: metrics[k] for k in ("text_only", "image_only")}},
        request.models_dir,
        split=pairs.procedure + (f" Kept {limit} pairs per class (seeded)." if limit else ""),
        settings={"image_size": size, "seed": seed, "keep": keep, "epochs": epochs},
    )
    best_single = max(metrics["text_only"]["accuracy"], metrics["image_only"]["accuracy"])
    return {
        "name": card.name,
        "version": card.version,
        "labels": pairs.names,
        "metrics": metrics,
        "pairs": len(chosen),
        "seconds": round(time.perf_counter() - started, 1),
        "summary": (
            f"{card.name} v{card.version}: test accuracy {metrics['fusion']['accuracy']:.3f} "
            f"(text only {metrics['text_only']['accuracy']:.3f}, picture only {metrics['image_only']['accuracy']:.3f}"
            f"; fusion {'beats' if metrics['fusion']['accuracy'] > best_single else 'does not beat'} both) on "
            f"{metrics['fusion']['n']} held-out pairs of a CONSTRUCTED pairing (see the model card)"
        ),
    }


def _options(options: Mapping[str, str]) -> tuple[float, int, int]:
    given = read_options("fusion", options, {"keep": float, "size": int, "seed": int})
    keep, size, seed = given.get("keep", 0.5), given.get("size", 224), given.get("seed", 42)
    if not 0 < keep <= 1 or size < 32:
        raise ConfigError(f"fusion options: keep must be in (0, 1] and size at least 32 (got {keep}, {size})")
    return keep, size, seed


def _per_class(labels: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """Indices of at most ``limit`` pairs per class (all without a limit), drawn with ``seed``."""
    if not limit:
        return np.arange(len(labels))
    if limit < 10:
        raise ConfigError("--limit must keep at least 10 pairs per class (the split needs 2 per class)")
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(labels == c), size=limit, replace=False) for c in np.unique(labels)]
    return np.sort(np.concatenate(picks))
