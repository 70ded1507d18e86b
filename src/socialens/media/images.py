"""Pictures as pure functions: decode, strip metadata, resize, encode.

Everything that leaves this module is built from pixel data alone: EXIF (GPS position, camera
serial, time taken), XMP, IPTC, ICC profiles and comments never travel with a derived image, so
nothing stored or computed downstream can carry them. The EXIF orientation is applied first,
so a phone photo stays upright once its EXIF is gone.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from socialens.errors import MediaError

if TYPE_CHECKING:
    from PIL import Image

# A decompression bomb (a small file that decodes to gigapixels) is refused, not decoded.
MAX_PIXELS = 64_000_000
# Stored copies are capped at this side: enough for OCR on a screenshot, far below camera size.
STORED_MAX_SIDE = 2048
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "BMP": "image/bmp"}


def open_image(source: Path | bytes, name: str | None = None) -> Image.Image:
    """Decode a picture fully (so a truncated file fails here, not later); ``MediaError`` if it cannot be.

    >>> open_image(b"not a picture", name="x.jpg")
    Traceback (most recent call last):
    socialens.errors.MediaError: [E120] x.jpg: not a readable image (UnidentifiedImageError)
    """
    from PIL import Image, UnidentifiedImageError

    where = name or (str(source) if isinstance(source, Path) else "image")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        image.load()
    except FileNotFoundError:
        raise MediaError(where, "file not found") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(where, f"not a readable image ({type(exc).__name__})") from None
    return image


def mime_type(image: Image.Image) -> str | None:
    """The MIME type of the format the picture was decoded from."""
    return _MIME.get(image.format or "")


def clean_image(image: Image.Image) -> Image.Image:
    """An RGB copy made of the pixels only: upright, first frame, no metadata of any kind.

    >>> from PIL import Image
    >>> original = Image.new("RGB", (4, 2))
    >>> exif = original.getexif(); exif[0x0110] = "camera model"
    >>> data = io.BytesIO(); original.save(data, "JPEG", exif=exif)
    >>> clean = clean_image(open_image(data.getvalue()))
    >>> clean.size, dict(clean.getexif()), clean.info
    ((4, 2), {}, {})
    """
    from PIL import Image, ImageOps

    image.seek(0) if getattr(image, "n_frames", 1) > 1 else None
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        rgb = background
    else:
        rgb = upright.convert("RGB")
    # A fresh image from the raw bytes: ``info`` (EXIF, XMP, ICC, comments) is not copied.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def fit_within(image: Image.Image, max_side: int) -> Image.Image:
    """Scale down (never up) so neither side exceeds ``max_side``."""
    from PIL import Image

    width, height = image.size
    scale = max_side / max(width, height)
    if scale >= 1:
        return image
    return image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)


def center_square(image: Image.Image, size: int, margin: float = 256 / 224) -> Image.Image:
    """The ImageNet evaluation crop: shorter side to ``size * margin``, then the central square."""
    from PIL import Image

    width, height = image.size
    short = round(size * margin)
    scale = short / min(width, height)
    resized = image.resize(
        (max(size, round(width * scale)), max(size, round(height * scale))), Image.Resampling.BILINEAR
    )
    left = (resized.width - size) // 2
    top = (resized.height - size) // 2
    return resized.crop((left, top, left + size, top + size))


def encode_clean(image: Image.Image, lossless: bool = False) -> tuple[bytes, str]:
    """``(data, extension)``: a clean picture as JPEG (photos) or PNG (``lossless``, e.g. screenshots)."""
    data = io.BytesIO()
    clean = clean_image(image)
    if lossless:
        clean.save(data, "PNG", optimize=False)
        return data.getvalue(), "png"
    clean.save(data, "JPEG", quality=92)
    return data.getvalue(), "jpg"
