"""Content vectors of posts, so a post nobody has interacted with yet can still be recommended.

``tfidf`` (word 1-2-grams, sublinear tf, L2-normalised rows) costs seconds for tens of
thousands of posts; ``minilm`` embeds with the packaged all-MiniLM-L6-v2 (better matches of
meaning, ~100 texts/s on a laptop core: for small candidate sets or a patient batch run).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from socialens.errors import ConfigError

ENCODERS = ("tfidf", "minilm", "none")


class ContentIndex:
    """``fit(ids, texts)`` learns vectors; ``similarity(profiles, ids)`` scores candidates.

    Learned state: ``ids_`` (row of each post id) and ``vectors_`` (rows L2-normalised; a
    scipy sparse matrix for tfidf, a numpy array for minilm).
    """

    def __init__(self, encoder: str = "tfidf", max_features: int = 50_000) -> None:
        if encoder not in ENCODERS:
            raise ConfigError(f"unknown content encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
        self.encoder = encoder
        self.max_features = max_features

    def fit(self, ids: Sequence[str], texts: Sequence[str]) -> ContentIndex:
        self.ids_ = {post: row for row, post in enumerate(ids)}
        if self.encoder == "none" or not ids:
            self.vectors_: Any = None
        elif self.encoder == "tfidf":
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectorizer = TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, max_features=self.max_features, min_df=1
            )
            try:
                self.vectors_ = vectorizer.fit_transform(list(texts)).tocsr()
            except ValueError:  # every text empty or stop words only
                self.vectors_ = None
        else:
            self.vectors_ = _minilm(list(texts))
        return self

    def profiles(self, histories: Sequence[Sequence[str]]) -> Any:
        """One L2-normalised mean vector per history of post ids (a zero row when none is known)."""
        if self.vectors_ is None:
            return None
        rows = [[self.ids_[p] for p in h if p in self.ids_] for h in histories]
        weights = np.zeros((len(rows), self.vectors_.shape[0]), dtype=np.float32)
        for r, found in enumerate(rows):
            if found:
                weights[r, found] = 1.0 / len(found)
        profile = weights @ self.vectors_ if isinstance(self.vectors_, np.ndarray) else (self.vectors_.T @ weights.T).T
        profile = np.asarray(profile, dtype=np.float32)
        norms = np.linalg.norm(profile, axis=1, keepdims=True)
        return np.divide(profile, norms, out=np.zeros_like(profile), where=norms > 0)

    def similarity(self, profiles: Any, candidate_rows: np.ndarray) -> np.ndarray | None:
        """Cosine similarity ``(B, C)`` of each profile with the candidates (rows of ``vectors_``)."""
        if profiles is None or self.vectors_ is None:
            return None
        candidates = self.vectors_[candidate_rows]
        sims = candidates @ profiles.T  # (C, B)
        return np.asarray(sims, dtype=np.float32).T


def _minilm(texts: list[str]) -> np.ndarray:
    import os

    from socialens.models.encoders.minilm import minilm_path

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are local; never reach a hub

    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        from socialens.errors import MissingExtraError

        raise MissingExtraError("sentence-transformers", "ml") from None
    model = SentenceTransformer(str(minilm_path()), device="cpu")
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
