"""The tagger's ONNX Runtime path gives PyTorch's features and labels; names come from the packaged table."""

from __future__ import annotations

import numpy as np
from PIL import Image

from socialens.analyses.images.tagger import ImageTagger
from socialens.models.encoders.efficientnet_lite import imagenet_names


def _photos() -> list[Image.Image]:
    from skimage import data as samples

    return [Image.fromarray(samples.chelsea()), Image.fromarray(samples.coffee())]


def test_onnx_and_torch_agree() -> None:
    fast = ImageTagger(backend="onnx", threads=1).transform(_photos())
    slow = ImageTagger(backend="torch", threads=1).transform(_photos())
    assert fast.features.shape == (2, 1280) and np.allclose(fast.features, slow.features, atol=1e-4)
    assert [[n for n, _ in row] for row in fast.labels] == [[n for n, _ in row] for row in slow.labels]
    assert fast.labels[1][0][0] == "espresso"


def test_class_names() -> None:
    names = imagenet_names()
    assert len(names) == 1000 and names[0] == "tench" and names[285] == "Egyptian cat"
