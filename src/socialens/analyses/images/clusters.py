"""Groups of pictures: near-duplicates and memes by perceptual hash, look-alikes by features.

Near-duplicate / meme groups join pictures whose 64-bit pHashes differ in at most
``max_distance`` bits (single linkage: a chain of close pairs is one group). The same photo
re-posted, re-compressed, resized or lightly cropped stays within a few bits; a meme template
with a different caption usually within about ten; unrelated pictures differ in about 32.
Visual groups are k-means over the EfficientNet features (L2-normalised), for "what kinds of
pictures are there" rather than "is this the same picture".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialens.component import Component
from socialens.registry import register


@register("images.phash_clusters.v1")
class DuplicateClusters(Component):
    """``DuplicateClusters(max_distance=10).fit_predict(hashes)`` -> a group id per picture, None if alone.

    >>> DuplicateClusters(max_distance=2).fit_predict(["ff00", "ff01", "00ff", "ff03"])
    ['ff00', 'ff00', None, 'ff00']
    """

    def __init__(self, max_distance: int = 10) -> None:
        self.max_distance = max_distance

    def fit_predict(self, hashes: Sequence[str | None]) -> list[str | None]:
        import numpy as np

        known = [i for i, h in enumerate(hashes) if h]
        if not known:
            return [None] * len(hashes)
        values = np.array([int(str(hashes[i]), 16) for i in known], dtype=np.uint64)
        parent = list(range(len(known)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(known) - 1):
            # Bits differing from every later hash, vectorised (popcount of the XOR).
            distance = np.bitwise_count(values[i + 1 :] ^ values[i])
            for j in np.flatnonzero(distance <= self.max_distance):
                a, b = root(i), root(i + 1 + int(j))
                if a != b:
                    parent[max(a, b)] = min(a, b)
        groups: dict[int, list[int]] = {}
        for i in range(len(known)):
            groups.setdefault(root(i), []).append(i)
        out: list[str | None] = [None] * len(hashes)
        for members in groups.values():
            if len(members) < 2:
                continue
            name = min(str(hashes[known[m]]) for m in members)  # stable across runs and orders
            for m in members:
                out[known[m]] = name
        return out


@register("images.visual_kmeans.v1")
class VisualClusters(Component):
    """``VisualClusters(n_clusters=None).fit_predict(features)`` -> a cluster per row (``None``: about sqrt(n/2))."""

    def __init__(self, n_clusters: int | None = None, max_clusters: int = 30, seed: int = 42) -> None:
        self.n_clusters = n_clusters
        self.max_clusters = max_clusters
        self.seed = seed

    def fit_predict(self, features: Any) -> list[int]:
        import numpy as np

        matrix = np.asarray(features, dtype=np.float32)
        if len(matrix) == 0:
            return []
        k = self.n_clusters or round((len(matrix) / 2) ** 0.5)
        k = max(1, min(k, self.max_clusters, len(matrix)))
        if k == 1:
            return [0] * len(matrix)
        from sklearn.cluster import KMeans

        unit = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        labels = KMeans(n_clusters=k, n_init=4, random_state=self.seed).fit_predict(unit)
        return [int(x) for x in labels]
