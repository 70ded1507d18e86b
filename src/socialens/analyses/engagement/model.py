"""The engagement model: gradient-boosted trees per target on time, history and text features.

``fit(meta, targets, text=None)``: ``meta`` is the time and history features
(``features.meta_features``), ``targets`` ``(N, T)`` log counts, ``text`` optional sentence
vectors, reduced to ``text_dims`` principal components fitted on the training texts (trees
split poorly on 384 raw dimensions). Without ``text`` it is the time + history baseline.

``offset_columns`` (one ``meta`` column per target, e.g. the author's recent mean log count)
makes the trees predict the deviation from that level instead of the level itself: trees
cannot extrapolate, and an account's level in the test period (the future) can lie above
everything seen in training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from socialens.component import Component, Persistent
from socialens.errors import TrainingError
from socialens.registry import register


@register("engagement.gbdt.v1")
class EngagementRegressor(Component, Persistent):
    state_file = "model.pkl"  # the name registry folders written before ``Persistent`` use
    requires = ("created_at", "author", "text")
    assigns = ("engagement",)

    def __init__(
        self,
        text_dims: int = 32,
        max_iter: int = 300,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 20,
        offset_columns: tuple[int, ...] | None = None,
        seed: int = 42,
        num_threads: int = 1,
    ) -> None:
        self.text_dims = text_dims
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.offset_columns = offset_columns
        self.seed = seed
        self.num_threads = num_threads

    def fit(self, meta: Any, targets: Any, text: Any | None = None) -> EngagementRegressor:
        from threadpoolctl import threadpool_limits

        # OpenMP workers spin while they wait: on a busy machine more threads than free cores
        # make boosting many times slower, so the thread count is a setting (default 1).
        with threadpool_limits(self.num_threads):
            return self._fit(meta, targets, text)

    def _fit(self, meta: Any, targets: Any, text: Any | None) -> EngagementRegressor:
        from sklearn.decomposition import PCA
        from sklearn.ensemble import HistGradientBoostingRegressor

        meta, y = np.asarray(meta, dtype=np.float64), np.asarray(targets, dtype=np.float64)
        if len(meta) < 2 or y.ndim != 2 or len(y) != len(meta):
            raise TrainingError(f"engagement needs >= 2 posts with (N, targets) levels; got {len(meta)} posts")
        self.pca_: Any = None
        if text is not None and np.asarray(text).shape[1] > 0:
            dims = min(self.text_dims, len(meta) - 1, np.asarray(text).shape[1])
            self.pca_ = PCA(n_components=dims, random_state=self.seed).fit(np.asarray(text, dtype=np.float64))
        x = self._design(meta, text)
        y = y - self._offsets(meta, y.shape[1])
        self.models_ = [
            HistGradientBoostingRegressor(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf,
                early_stopping=False,  # a time split: a random validation tenth would leak the future
                random_state=self.seed,
            ).fit(x, y[:, k])
            for k in range(y.shape[1])
        ]
        return self

    def _design(self, meta: np.ndarray, text: Any | None) -> np.ndarray:
        if self.pca_ is None:
            return meta
        if text is None:
            raise ValueError("this model was trained with text vectors: pass text=")
        return np.hstack([meta, self.pca_.transform(np.asarray(text, dtype=np.float64))])

    def predict(self, meta: Any, text: Any | None = None) -> np.ndarray:
        """``(N, T)`` predicted ``log1p`` counts."""
        from threadpoolctl import threadpool_limits

        meta = np.asarray(meta, dtype=np.float64)
        if len(meta) == 0:
            return np.zeros((0, len(self.models_)))
        with threadpool_limits(self.num_threads):
            x = self._design(meta, text)
            predicted = np.stack([m.predict(x) for m in self.models_], axis=1)
        return predicted + self._offsets(meta, len(self.models_))

    def _offsets(self, meta: np.ndarray, targets: int) -> np.ndarray:
        if self.offset_columns is None:
            return np.zeros((len(meta), targets))
        if len(self.offset_columns) != targets:
            raise ValueError(f"offset_columns has {len(self.offset_columns)} columns for {targets} targets")
        return meta[:, list(self.offset_columns)]
