"""Late fusion on real posts: a registered fusion model labels each post that has both text and a picture.

:func:`save_fusion` puts a trained :class:`socialens.models.late_fusion.LateFusion` in the model
registry (task ``fusion``, with its labels and the picture size its image features were taken
at); :func:`fuse_posts` is the path ``analyze images`` takes for every post with text and an
analysed picture: the post's text through :func:`socialens.analyses.images.fusion.embed_texts`,
its first frame's stored 1,280-d features, the model, ``post_scores`` task ``fusion``. The
evaluation (``socialens train fusion``, ``benchmarks/quality/images_fusion.py``) calls the same
:func:`predict_fusion` on its test split.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

FUSION_TASK = "fusion"
_LANGUAGE = "multi"


def save_fusion(model: Any, labels: list[str], metrics: dict[str, Any], models_dir: Path | None, **card: Any) -> Any:
    """Register ``model`` (a LateFusion) as the default fusion model; returns its card."""
    import dataclasses

    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    state = {"state": model.state_dict(), "config": dataclasses.asdict(model.config)}
    saved = registry.save(
        "fusion",
        state,
        {"task": FUSION_TASK, "language": _LANGUAGE, "labels": labels, "metrics": metrics, "architecture": "LateFusion",
         **card},
    )  # fmt: skip
    registry.set_default(FUSION_TASK, _LANGUAGE, saved.name)
    return saved


def load_fusion(models_dir: Path | None, name: str = "default") -> tuple[Any, Any] | None:
    """``(model, card)`` of the fusion model ``name`` (``default``/``auto``: the default one), or
    None when ``auto`` finds none registered."""
    import torch

    from socialens.errors import ModelNotFoundError
    from socialens.models.late_fusion import LateFusion, LateFusionConfig
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry(models_dir)
    try:
        card = registry.default(FUSION_TASK, _LANGUAGE) if name in ("auto", "default") else registry.load_card(name)
    except ModelNotFoundError:
        if name == "auto":
            return None
        raise
    assert card.path is not None
    saved = torch.load(card.path / "model.pt", map_location="cpu", weights_only=True)
    model = LateFusion(LateFusionConfig(**saved["config"]))
    model.load_state_dict(saved["state"])
    return model.eval(), card


def predict_fusion(model: Any, text: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Class probabilities, ``(N, classes)``, for text embeddings ``(N, 384)`` and image features ``(N, 1280)``."""
    import torch

    with torch.inference_mode():
        batch = {
            "text": torch.from_numpy(np.asarray(text, np.float32)),  # (N, 384)
            "image": torch.from_numpy(np.asarray(image, np.float32)),  # (N, 1280)
        }
        return model(batch).softmax(-1).numpy()  # type: ignore[no-any-return]


def fuse_posts(store: Any, models_dir: Path | None, name: str = "auto") -> dict[str, Any]:
    """Label every post of the selection that has text and an analysed picture with the fusion model."""
    import orjson
    import pyarrow as pa

    from socialens.analyses.images.fusion import embed_texts
    from socialens.store.media_queries import posts_with_text_and_picture
    from socialens.store.scores import write_scores

    loaded = load_fusion(models_dir, name)
    if loaded is None:
        return {"fused": 0, "note": "no fusion model registered; `socialens train fusion` trains one"}
    model, card = loaded
    posts = posts_with_text_and_picture(store)
    if not posts["post"]:
        return {"fused": 0, "model": f"{card.name} v{card.version}"}
    probabilities = predict_fusion(model, embed_texts(posts["text"]), np.asarray(posts["features"], np.float32))
    best = probabilities.argmax(-1)
    labels = [card.labels[int(b)] for b in best]
    model_name = f"{card.name} v{card.version}"
    write_scores(
        store,
        pa.table(
            {
                "platform": posts["platform"],
                "post_id": posts["post"],
                "task": [FUSION_TASK] * len(best),
                "label": labels,
                "score": [round(float(p[b]), 4) for p, b in zip(probabilities, best, strict=True)],
                "probabilities": [
                    orjson.dumps(dict(zip(card.labels, map(float, p), strict=True))).decode() for p in probabilities
                ],
                "model": [model_name] * len(best),
            }
        ),
    )
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return {"fused": len(labels), "labels": counts, "model": model_name}
