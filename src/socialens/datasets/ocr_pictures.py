"""Pictures whose text is known, from what is installed, for checking OCR: scikit-image's
``page.png`` (a scanned page with uneven lighting) and a Chinese line drawn in a Debian font."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path
from typing import Any

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # WenQuanYi Zen Hei (fonts-wqy-zenhei)
# The text of page.png, line by line; the last is a line of code.
PAGE_LINES = (
    "Region-based segmentation",
    "Let us first determine markers of the coins and the",
    "background. These markers are pixels that we can label",
    "unambiguously as either object or background. Here,",
    "the markers are found at the two extreme parts of the",
    "histogram of grey values:",
    ">>> markers = np.zeros_like(coins)",
)
CHINESE_LINE = "今天天气很好，我们去公园。"


def page_file() -> Path:
    """scikit-image's ``page.png``, whose text is :data:`PAGE_LINES`."""
    return Path(str(md.distribution("scikit-image").locate_file("skimage/data/page.png")))


def chinese_line_picture() -> Any:
    """:data:`CHINESE_LINE` drawn black on white in WenQuanYi Zen Hei at 36 px (a PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("RGB", (520, 64), "white")
    ImageDraw.Draw(picture).text((10, 10), CHINESE_LINE, font=ImageFont.truetype(str(FONT), 36), fill="black")
    return picture
