"""Image components (``images.*``): pictures in, labels / text / scores / groups out.

Taggers, text readers and NSFW scorers get three small pictures drawn here (a gradient, a
checkerboard, a line of text); the grouping components get those pictures' hashes or features.
Output: labels and numbers, rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component
from socialens.kinds import PostScorer


def _grouping(component: Component) -> bool:
    from socialens.analyses.images.clusters import DuplicateClusters, VisualClusters

    return isinstance(component, DuplicateClusters | VisualClusters)


def matches(component: Component) -> bool:
    return isinstance(component, PostScorer) or _grouping(component)


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

    from socialens.analyses.images.clusters import DuplicateClusters, VisualClusters
    from socialens.media.hashing import perceptual_hash

    if isinstance(component, DuplicateClusters):
        hashes = [perceptual_hash(p) for p in _pictures()]
        return [*hashes, hashes[0]], []
    if isinstance(component, VisualClusters):
        return np.random.default_rng(3).normal(size=(12, 16)).astype("float32"), np.zeros((0, 16))
    return _pictures(), []


def run(component: Any, data: Any) -> list[Any]:
    from socialens.analyses.images.ocr import TextReader
    from socialens.analyses.images.tagger import ImageTagger

    if _grouping(component):
        return list(component.fit_predict(data))
    out = component.transform(list(data))
    if isinstance(component, ImageTagger):
        return [[(label, round(p, 3)) for label, p in labels] for labels in out.labels] + [
            [round(float(x), 3) for x in row[:8]] for row in out.features
        ]
    if isinstance(component, TextReader):
        return [(t.text, t.lang) for t in out]
    return [round(float(x), 3) for x in out]
