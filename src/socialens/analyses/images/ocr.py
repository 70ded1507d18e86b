"""Text in pictures (screenshots, memes, signs) with RapidOCR's packaged PP-OCR models (English + Chinese).

Uneven lighting (a photographed page, a shadow across a sign) is flattened first: the picture
is divided by a heavily blurred copy of itself, which leaves the strokes and removes the
gradient. On scikit-image's ``page.png`` that turns a garbled line into an exact one. Evenly
lit pictures (screenshots, rendered captions) are read as they are: there, flattening costs
punctuation (a Chinese full-width comma was lost in the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialens.component import Component
from socialens.errors import MissingExtraError
from socialens.registry import register

if TYPE_CHECKING:
    from PIL import Image

SINGLE_CHARACTER_SCORE = 0.95
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class ImageText:
    text: str  # lines joined with newlines, top to bottom
    lang: str | None  # "zh" when Chinese characters are read, "en" for other Latin text, None when empty
    confidence: float  # mean of the kept lines' scores


# Background brightness spread (95th - 5th percentile of the blurred grey picture, 0-255) above
# which lighting counts as uneven: page.png measures 129, rendered text lines 26-31.
UNEVEN_LIGHTING = 64.0


def flatten_lighting(image: Image.Image, blur: int = 25) -> Image.Image:
    """Grey picture divided by its blurred background (shading removed), as RGB for the OCR models;
    the picture unchanged (RGB) when its lighting is already even."""
    import numpy as np
    from PIL import Image, ImageFilter

    grey = image.convert("L")
    background = np.asarray(grey.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float32)
    if float(np.percentile(background, 95) - np.percentile(background, 5)) <= UNEVEN_LIGHTING:
        return image.convert("RGB")
    flat = np.asarray(grey, dtype=np.float32) / np.maximum(background, 1.0) * 255.0
    return Image.fromarray(np.clip(flat, 0, 255).astype(np.uint8)).convert("RGB")


def _keep(text: str, score: float, min_score: float) -> bool:
    """A line read with confidence; a lone character needs more (photos yield stray '0' or '8' at ~0.7)."""
    if not text or score < min_score:
        return False
    return len(text.replace(" ", "")) >= 2 or score >= SINGLE_CHARACTER_SCORE


@register("images.rapidocr.v1")
class TextReader(Component):
    """``TextReader().read(picture) -> ImageText``; lines below ``min_score`` are dropped."""

    requires = ("media.path",)
    assigns = ("media_frames.ocr_text",)

    def __init__(self, min_score: float = 0.8, threads: int = 1, flatten: bool = True) -> None:
        self.min_score = min_score
        self.threads = threads
        self.flatten = flatten

    def __getstate__(self) -> dict[str, Any]:
        return self.get_params()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def _engine(self) -> Any:
        engine = getattr(self, "engine_", None)
        if engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError:
                raise MissingExtraError("rapidocr", "images") from None
            engine = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
            )
            self.engine_ = engine
        return engine

    def read(self, picture: Image.Image) -> ImageText:
        import numpy as np

        prepared = flatten_lighting(picture) if self.flatten else picture.convert("RGB")
        result = self._engine()(np.asarray(prepared))
        lines = [
            (str(text).strip(), float(score))
            for text, score in zip(result.txts or (), result.scores or (), strict=False)
            if _keep(str(text).strip(), float(score), self.min_score)
        ]
        if not lines:
            return ImageText("", None, 0.0)
        text = "\n".join(t for t, _ in lines)
        lang = "zh" if _CJK.search(text) else "en"
        return ImageText(text, lang, round(sum(s for _, s in lines) / len(lines), 4))

    def transform(self, pictures: list[Image.Image]) -> list[ImageText]:
        return [self.read(p) for p in pictures]
