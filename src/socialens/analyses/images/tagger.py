"""Image features and ImageNet labels with EfficientNet-lite0 (packaged weights, CPU).

Speed on two cores comes from batching with one intra-op thread per core, channels-last
memory and inference mode (``benchmarks/bench_images.py`` measures each); the network is
built once per process and reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.component import Component
from socialens.registry import register

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


@dataclass(frozen=True, slots=True)
class Tags:
    """Per picture: ``labels`` as ``[(name, probability), ...]`` best first, and ``features`` (N, 1280)."""

    labels: list[list[tuple[str, float]]]
    features: np.ndarray


@register("images.EfficientNetLite0.v1")
class ImageTagger(Component):
    """``ImageTagger(top_k=5).transform(pictures) -> Tags`` (pictures: RGB PIL images of any size)."""

    requires = ("media.path",)
    assigns = ("media_frames.labels", "media_frames.features")

    def __init__(
        self, top_k: int = 5, batch_size: int = 32, threads: int = 2, channels_last: bool = True, image_size: int = 224
    ) -> None:
        self.top_k = top_k
        self.image_size = image_size
        self.batch_size = batch_size
        self.threads = threads
        self.channels_last = channels_last

    def __getstate__(self) -> dict[str, Any]:
        return self.get_params()  # the network is rebuilt in each process, not pickled

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def fit(self, pictures: list[Image.Image] | None = None, labels: Any = None) -> ImageTagger:
        """Pretrained: nothing to learn. Loads the network."""
        self._network()
        return self

    def _network(self) -> Any:
        model = getattr(self, "model_", None)
        if model is None:
            import torch

            from socialens.models.encoders.efficientnet_lite import load_efficientnet_lite0

            model = load_efficientnet_lite0()
            if self.channels_last:
                model = model.to(memory_format=torch.channels_last)
            self.model_ = model
        return model

    def transform(self, pictures: list[Image.Image]) -> Tags:
        import numpy as np
        import torch

        from socialens.media.images import center_square
        from socialens.models.encoders.efficientnet_lite import (
            FEATURES,
            features_and_logits,
            imagenet_names,
            pixels_to_input,
        )

        names = imagenet_names()
        model = self._network()
        torch.set_num_threads(self.threads)
        features, labels = [], []
        for start in range(0, len(pictures), self.batch_size):
            crops = [
                center_square(p.convert("RGB"), self.image_size) for p in pictures[start : start + self.batch_size]
            ]
            batch = pixels_to_input(crops)
            if self.channels_last:
                batch = batch.contiguous(memory_format=torch.channels_last)
            with torch.inference_mode():
                pooled, logits = features_and_logits(model, batch)
                top = logits.softmax(-1).topk(self.top_k)
            features.append(pooled.float().numpy())
            for values, indices in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                labels.append([(names[i], round(v, 4)) for v, i in zip(values, indices, strict=True)])
        stacked = np.concatenate(features) if features else np.zeros((0, FEATURES), dtype=np.float32)
        return Tags(labels, stacked)
