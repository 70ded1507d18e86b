"""Content hashes: SHA-256 of the exact bytes, and a perceptual hash that survives re-encoding.

The perceptual hash is the classic DCT pHash: 32x32 grey, 2-D DCT, the 8x8 lowest frequencies
without the DC term compared with their median, 64 bits as 16 hex digits. Re-compression,
resizing and small edits change few bits; a different picture changes about half of them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

HASH_BITS = 64
_CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    """``(hex digest, size in bytes)`` of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@cache
def _dct_matrix(n: int) -> np.ndarray:
    import numpy as np

    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    matrix = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    matrix[0] /= np.sqrt(2)
    return matrix


def perceptual_hash(image: Image.Image) -> str:
    """64-bit DCT perceptual hash as 16 hex digits.

    >>> from PIL import Image
    >>> picture = Image.effect_mandelbrot((256, 256), (-2, -1.5, 1, 1.5), 100).convert("RGB")
    >>> perceptual_hash(picture)
    'c4c61b9b65db8c64'
    >>> hamming(perceptual_hash(picture), perceptual_hash(picture.resize((100, 100))))
    0
    >>> hamming(perceptual_hash(picture), perceptual_hash(picture.rotate(90)))
    32
    """
    import numpy as np
    from PIL import Image

    grey = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
    dct = _dct_matrix(32)
    low = (dct @ grey @ dct.T)[:8, :8].flatten()
    bits = low > np.median(low[1:])
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hamming(a: str, b: str) -> int:
    """Differing bits between two hex hashes of the same length.

    >>> hamming("ff00", "0f00")
    4
    """
    return (int(a, 16) ^ int(b, 16)).bit_count()
