"""Dimensionality-reduction stages: embeddings ``(N, D)`` -> ``(N, d)`` for the clusterer.

Density-based clustering fails in 384 dimensions (every distance looks alike), so a reducer
comes first. PCA is linear and cheap; UMAP keeps local neighbourhoods and gives better
separated clusters at a much higher cost.
"""

from __future__ import annotations

from typing import Self

import numpy as np

from socialens.component import Component
from socialens.errors import MissingExtraError
from socialens.registry import register


class Reducer(Component):
    """Base stage: keeps the embeddings as they are."""

    def fit(self, x: np.ndarray) -> Self:
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float32)

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:  # nothing to learn from; the output keeps its row count of 0
            return self.transform(x)
        return self.fit(x).transform(x)


@register("topics.pca.v1")
class PCAReducer(Reducer):
    """Principal components; ``whiten`` scales each to unit variance."""

    def __init__(self, n_components: int = 10, whiten: bool = False, seed: int = 42) -> None:
        self.n_components = n_components
        self.whiten = whiten
        self.seed = seed

    def fit(self, x: np.ndarray) -> Self:
        from sklearn.decomposition import PCA

        width = max(1, min(self.n_components, x.shape[0], x.shape[1]))
        self.pca_ = PCA(n_components=width, whiten=self.whiten, random_state=self.seed).fit(x)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, self.n_components), dtype=np.float32)
        return self.pca_.transform(x).astype(np.float32)


@register("topics.umap.v1")
class UMAPReducer(Reducer):
    """UMAP with BERTopic's settings (5-d, 15 neighbours, cosine); seeded, so single-threaded.

    Registered with the ``slow`` tag: UMAP's first call compiles its numba kernels for minutes
    on a busy 2-core machine, so its conformance checks run in CI, not in the fast lane.
    Inject it (``Topics(reducer=UMAPReducer())``) or pick it with ``-o reducer=umap``.
    """

    def __init__(self, n_components: int = 5, n_neighbors: int = 15, min_dist: float = 0.0, seed: int = 42) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.seed = seed

    def fit(self, x: np.ndarray) -> Self:
        try:
            from umap import UMAP
        except ImportError:
            raise MissingExtraError("umap-learn", "topics") from None
        neighbors = max(2, min(self.n_neighbors, len(x) - 1))
        self.umap_ = UMAP(
            n_components=min(self.n_components, max(1, len(x) - 2)),
            n_neighbors=neighbors,
            min_dist=self.min_dist,
            metric="cosine",
            random_state=self.seed,
            init="spectral" if len(x) > self.n_components + 2 else "random",
        ).fit(x)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, self.n_components), dtype=np.float32)
        return np.asarray(self.umap_.transform(x), dtype=np.float32)

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return self.transform(x)
        # UMAP's training layout is the embedding of the fitted points; transform would re-embed them.
        return np.asarray(self.fit(x).umap_.embedding_, dtype=np.float32)
