"""Image components (``images.*``): pictures in, labels / text / scores / groups out.

Taggers, text readers and NSFW scorers get three small pictures drawn here (a gradient, a
checkerboard, a line of text); the grouping components get those pictures' hashes or features.
Output: labels and numbers, rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component


def matches(component: Component) -> bool:
    return component.registry_name.startswith("images.")


def _pictures() -> list[Any]:
    from PIL import Image, ImageDraw

    gradient = Image.linear_gradient("L").convert("RGB").resize((96, 96))
    board = Image.new("RGB", (96, 96), "white")
    draw = ImageDraw.Draw(board)
    for i in range(0, 96, 24):
        for j in range(0, 96, 24):
            if (i + j) // 24 % 2:
                draw.rectangle((i, j, i + 23, j + 23), fill="black")
    text = Image.new("RGB", (240, 60), "white")
    ImageDraw.Draw(text).text((10, 20), "HELLO 2024", fill="black")
    return [gradient, board, text]


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    import numpy as np

    from socialens.media.hashing import perceptual_hash

    name = component.registry_name
    if name.startswith("images.phash_clusters"):
        hashes = [perceptual_hash(p) for p in _pictures()]
        return [*hashes, hashes[0]], []
    if name.startswith("images.visual_kmeans"):
        return np.random.default_rng(3).normal(size=(12, 16)).astype("float32"), np.zeros((0, 16))
    return _pictures(), []


def run(component: Any, data: Any) -> list[Any]:
    name = component.registry_name
    if name.startswith(("images.phash_clusters", "images.visual_kmeans")):
        return list(component.fit_predict(data))
    out = component.transform(list(data))
    if name.startswith("images.efficientnet"):
        return [[(label, round(p, 3)) for label, p in labels] for labels in out.labels] + [
            [round(float(x), 3) for x in row[:8]] for row in out.features
        ]
    if name.startswith("images.rapidocr"):
        return [(t.text, t.lang) for t in out]
    return [round(float(x), 3) for x in out]
