"""Image features and ImageNet labels with EfficientNet-lite0 (packaged weights, CPU).

Speed on two cores comes from ONNX Runtime (the network exported once to ONNX from the
packaged weights; about five times the images per CPU-second of PyTorch eager here), batches
of 32 and one intra-op thread per core; ``backend="torch"`` (channels-last, inference mode)
is the fallback and what sizes other than 224 px use. ``benchmarks/quality/images.py``
measures both. The network is built once per process and reused.
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


@register("images.efficientnet_lite0.v1")
class ImageTagger(Component):
    """``ImageTagger(top_k=5).transform(pictures) -> Tags`` (pictures: RGB PIL images of any size)."""

    requires = ("media.path",)
    assigns = ("media_frames.labels", "media_frames.features")

    def __init__(
        self,
        top_k: int = 5,
        batch_size: int = 32,
        threads: int = 2,
        channels_last: bool = True,
        image_size: int = 224,
        backend: str = "onnx",
    ) -> None:
        self.top_k = top_k
        self.backend = backend
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
        if self._uses_onnx():
            self._session()
        else:
            self._network()
        return self

    def _uses_onnx(self) -> bool:
        from socialens.models.encoders.efficientnet_lite import IMAGE_SIZE

        return self.backend == "onnx" and self.image_size == IMAGE_SIZE

    def _session(self) -> Any:
        session = getattr(self, "session_", None)
        if session is None:
            from socialens.models.encoders.efficientnet_lite import onnx_session

            session = self.session_ = onnx_session(self.threads)
        return session

    def _forward(self, crops: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Features ``(B, 1280)`` and class probabilities ``(B, 1000)`` of centre crops."""
        import numpy as np

        from socialens.models.encoders.efficientnet_lite import features_and_logits, pixels_to_array

        if self._uses_onnx():
            features, logits = self._session().run(None, {"pixels": pixels_to_array(crops)})
        else:
            import torch

            torch.set_num_threads(self.threads)
            batch = torch.from_numpy(pixels_to_array(crops))
            if self.channels_last:
                batch = batch.contiguous(memory_format=torch.channels_last)
            with torch.inference_mode():
                pooled, raw = features_and_logits(self._network(), batch)
            features, logits = pooled.float().numpy(), raw.float().numpy()
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(features, dtype=np.float32), shifted / shifted.sum(axis=1, keepdims=True)

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

        from socialens.media.images import center_square
        from socialens.models.encoders.efficientnet_lite import FEATURES, imagenet_names

        names = imagenet_names()
        features, labels = [], []
        for start in range(0, len(pictures), self.batch_size):
            crops = [
                center_square(p.convert("RGB"), self.image_size) for p in pictures[start : start + self.batch_size]
            ]
            pooled, probabilities = self._forward(crops)
            features.append(pooled)
            for row in probabilities:
                best = np.argsort(-row, kind="stable")[: self.top_k]
                labels.append([(names[i], round(float(row[i]), 4)) for i in best])
        stacked = np.concatenate(features) if features else np.zeros((0, FEATURES), dtype=np.float32)
        return Tags(labels, stacked)
