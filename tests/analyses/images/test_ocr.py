"""OCR on the packaged test pictures with text: scikit-image's page.png and a Chinese line in a Debian font."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from socialens.analyses.images.ocr import TextReader

# RapidOCR takes about 2 s a picture on a quiet machine; far longer when the cores are shared.
pytestmark = pytest.mark.timeout(900)

PAGE = Path(str(md.distribution("scikit-image").locate_file("skimage/data/page.png")))
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
PAGE_LINES = [
    "Region-based segmentation",
    "Let us first determine markers of the coins and the",
    "background. These markers are pixels that we can label",
    "unambiguously as either object or background. Here,",
    "the markers are found at the two extreme parts of the",
    "histogram of grey values:",
]


def test_page_text_is_read_exactly_after_flattening_the_lighting() -> None:
    read = TextReader().read(Image.open(PAGE))
    assert read.text.splitlines()[: len(PAGE_LINES)] == PAGE_LINES and read.lang == "en"


def test_a_chinese_line_is_read_exactly() -> None:
    line = "今天天气很好，我们去公园。"
    picture = Image.new("RGB", (520, 64), "white")
    ImageDraw.Draw(picture).text((10, 10), line, font=ImageFont.truetype(FONT, 36), fill="black")
    read = TextReader().read(picture)
    assert read.text.replace("\n", "") == line and read.lang == "zh"


def test_a_picture_without_text_reads_nothing() -> None:
    read = TextReader().read(Image.linear_gradient("L").convert("RGB"))
    assert (read.text, read.lang) == ("", None)
