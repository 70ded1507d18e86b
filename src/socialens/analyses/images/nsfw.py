"""An optional NSFW score for trust-and-safety review: NudeNet's packaged detector (ONNX).

The score of a picture is the highest confidence of any *exposed* body-part detection (0 when
none): a triage signal for a human reviewer, not a verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialens.component import Component
from socialens.errors import MissingExtraError
from socialens.registry import register

if TYPE_CHECKING:
    from PIL import Image

EXPOSED = (
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "BUTTOCKS_EXPOSED",
    "ANUS_EXPOSED",
)


@register("images.nudenet.v1")
class NsfwScorer(Component):
    """``NsfwScorer().transform(pictures) -> list[float]`` in [0, 1]."""

    requires = ("media.path",)
    assigns = ("media_frames.nsfw",)

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def __getstate__(self) -> dict[str, Any]:
        return self.get_params()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def _detector(self) -> Any:
        detector = getattr(self, "detector_", None)
        if detector is None:
            try:
                import onnxruntime  # noqa: F401  the session below needs it: the extra brings both
                from nudenet import nudenet
            except ImportError:
                raise MissingExtraError("nudenet", "images") from None
            from pathlib import Path

            from socialens.models.onnx_session import cpu_session

            # NudeDetector opens its session with every core; build it with ours instead.
            detector = nudenet.NudeDetector.__new__(nudenet.NudeDetector)
            detector.onnx_session = cpu_session(Path(nudenet.__file__).parent / "320n.onnx", self.threads, "images")
            detector.input_width = detector.input_height = 320
            detector.input_name = detector.onnx_session.get_inputs()[0].name
            self.detector_ = detector
        return detector

    def score(self, picture: Image.Image) -> float:
        import numpy as np

        # NudeNet converts RGBA to its BGR input itself.
        found = self._detector().detect(np.ascontiguousarray(np.asarray(picture.convert("RGBA"))))
        scores = [float(d["score"]) for d in found if d.get("class") in EXPOSED]
        return round(max(scores, default=0.0), 4)

    def transform(self, pictures: list[Image.Image]) -> list[float]:
        return [self.score(p) for p in pictures]
