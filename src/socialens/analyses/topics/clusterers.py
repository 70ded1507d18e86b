"""Clustering stages: reduced embeddings ``(N, d)`` -> one label per row, ``-1`` = outlier."""

from __future__ import annotations

from typing import Self

import numpy as np

from socialens.component import Component
from socialens.registry import register


class Clusterer(Component):
    """Base stage: every post in one topic (0)."""

    def fit(self, x: np.ndarray) -> Self:
        self.labels_ = np.zeros(len(x), dtype=np.int64)
        return self


@register("topics.HDBSCAN.v1")
class HDBSCANClusterer(Clusterer):
    """HDBSCAN: finds the number of topics itself and leaves noise as outliers (-1).

    Uses the ``hdbscan`` package when installed (its Boruvka KD-tree is much faster in a few
    dimensions), else scikit-learn's implementation.
    """

    def __init__(
        self, min_cluster_size: int = 15, min_samples: int | None = None, allow_single_cluster: bool = False
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.allow_single_cluster = allow_single_cluster

    def fit(self, x: np.ndarray) -> Self:
        if len(x) < max(self.min_cluster_size, 2):
            self.labels_ = np.full(len(x), -1, dtype=np.int64)
            return self
        x = np.asarray(x, dtype=np.float64)
        try:
            import hdbscan

            model = hdbscan.HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                allow_single_cluster=self.allow_single_cluster,
                core_dist_n_jobs=1,
            )
        except ImportError:
            from sklearn.cluster import HDBSCAN

            model = HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                allow_single_cluster=self.allow_single_cluster,
            )
        self.labels_ = np.asarray(model.fit(x).labels_, dtype=np.int64)
        return self


@register("topics.KMeans.v1")
class KMeansClusterer(Clusterer):
    """Mini-batch k-means: a fixed number of topics, no outliers, linear time for huge samples."""

    def __init__(self, n_clusters: int = 50, seed: int = 42, batch_size: int = 4096) -> None:
        self.n_clusters = n_clusters
        self.seed = seed
        self.batch_size = batch_size

    def fit(self, x: np.ndarray) -> Self:
        from sklearn.cluster import MiniBatchKMeans

        if len(x) == 0:
            self.labels_ = np.zeros(0, dtype=np.int64)
            return self
        model = MiniBatchKMeans(
            n_clusters=min(self.n_clusters, len(x)), random_state=self.seed, batch_size=self.batch_size, n_init=3
        )
        self.labels_ = np.asarray(model.fit_predict(x), dtype=np.int64)
        return self
