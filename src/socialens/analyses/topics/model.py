"""``Topics``: embed -> reduce -> cluster -> describe, with each stage an injected object.

    topics = Topics(embedder=MiniLMEmbedder(), reducer=PCAReducer(), clusterer=HDBSCANClusterer())
    labels = topics.fit_transform(texts)          # -1 = outlier
    labels, similarity = topics.transform(more_texts)

Large corpora: with ``sample_size`` the stages are fitted on a seeded sample and every other
post is assigned in batches of ``batch_size`` to its nearest topic centroid (cosine, in
embedding space), so memory stays bounded by the sample plus one batch. Centroids live in
embedding space, not reduced space, so assigning new posts needs only the embedder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import numpy as np

from socialens.analyses.topics.clusterers import AutoKMeansClusterer, Clusterer
from socialens.analyses.topics.embedders import Embedder, WordLlamaEmbedder, normalize_rows
from socialens.analyses.topics.reducers import PCAReducer, Reducer
from socialens.analyses.topics.representation import CoherentCTfidf, Representation, analyzer, has_content_word
from socialens.component import Component, Persistent
from socialens.errors import ModelNotFoundError
from socialens.registry import register

MODEL_FILE = "topics.json"
ARRAYS_FILE = "centroids.npy"
EMBEDDER_FILE = "embedder.pkl"


@dataclass(slots=True)
class TopicInfo:
    """One topic: its keywords, a short label (top keywords joined) and representative posts."""

    id: int
    keywords: list[str]
    label: str
    size: int
    representative: list[int] = field(default_factory=list)  # row indices into the fitted texts
    representative_texts: list[str] = field(default_factory=list)
    first_seen: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_seen"] = self.first_seen.isoformat() if self.first_seen else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicInfo:
        seen = data.get("first_seen")
        return cls(**{**data, "first_seen": datetime.fromisoformat(seen) if seen else None})


def make_label(keywords: Sequence[str], topic_id: int, words: int = 3) -> str:
    """A label a reader can scan: the first ``words`` keywords joined by commas.

    >>> make_label(["golf", "course", "open", "scotland"], 1)
    'golf, course, open'
    >>> make_label([], 7)
    'topic 7'
    """
    return ", ".join(keywords[:words]) if keywords else f"topic {topic_id}"


def distinct_labels(keywords: Sequence[Sequence[str]], words: int = 3) -> list[str]:
    """One label per topic, largest first, each leading with keywords no larger topic's label
    used (four topics about one scandal read "deflategate, ...", "balls, deflated, ...", not
    "deflategate, ..." four times); still-equal labels get the topic id appended.

    >>> distinct_labels([["flight", "cancelled", "rebook"], ["flight", "bags", "lost"]], words=2)
    ['flight, cancelled', 'bags, lost']
    """
    used: set[str] = set()
    labels: list[str] = []
    for topic, words_of_topic in enumerate(keywords):
        fresh = [w for w in words_of_topic if w not in used]
        chosen = fresh[:words] if len(fresh) >= min(2, len(words_of_topic)) else list(words_of_topic[:words])
        used.update(chosen)
        label = make_label(chosen, topic, words)
        labels.append(label if label not in labels else f"{label} ({topic})")
    return labels


@register("topics.topics.v1")
class Topics(Component, Persistent):
    """Topic discovery pipeline; ``None`` stages mean the defaults: WordLlama static embeddings,
    PCA to 50 dimensions, k-means with a topic count from the corpus size, coherent c-TF-IDF.

    Posts without a single content word (only links, mentions, numbers or stopwords) are
    outliers (-1): no keyword could describe them. Every other post gets a topic.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        reducer: Reducer | None = None,
        clusterer: Clusterer | None = None,
        representation: Representation | None = None,
        seed: int = 42,
        reassign_outliers: bool = False,
        min_similarity: float = 0.0,
        sample_size: int | None = None,
        batch_size: int = 10_000,
        n_representative: int = 3,
    ) -> None:
        self.embedder = embedder
        self.reducer = reducer
        self.clusterer = clusterer
        self.representation = representation
        self.seed = seed
        self.reassign_outliers = reassign_outliers
        self.min_similarity = min_similarity
        self.sample_size = sample_size
        self.batch_size = batch_size
        self.n_representative = n_representative

    # -- stages -----------------------------------------------------------------------------
    def _stages(self) -> tuple[Embedder, Reducer, Clusterer, Representation]:
        return (
            self.embedder if self.embedder is not None else WordLlamaEmbedder(),
            self.reducer if self.reducer is not None else PCAReducer(n_components=50, seed=self.seed),
            self.clusterer if self.clusterer is not None else AutoKMeansClusterer(seed=self.seed),
            self.representation if self.representation is not None else CoherentCTfidf(),
        )

    # -- fitting ----------------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], times: Sequence[datetime | None] | None = None, embeddings: np.ndarray | None = None
    ) -> Self:
        self.fit_transform(texts, times, embeddings)
        return self

    def fit_transform(
        self, texts: Sequence[str], times: Sequence[datetime | None] | None = None, embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Fit on ``texts`` (or a sample of them) and return every text's topic (-1: outlier)."""
        texts = [t or "" for t in texts]
        with_words = np.flatnonzero([has_content_word(t) for t in texts])
        sample = self._sample_rows(with_words)
        embedder, reducer, clusterer, representation = self._stages()
        self.embedder_ = embedder.fit([texts[i] for i in sample]) if embeddings is None else embedder
        sample_vectors = self._embed(sample, texts, embeddings)
        reduced = reducer.fit_transform(sample_vectors)
        raw = clusterer.fit(reduced).labels_ if len(sample) else np.zeros(0, dtype=np.int64)
        self.reducer_, self.clusterer_ = reducer, clusterer
        sample_labels = self._renumber(raw)
        self.centroids_ = _centroids(sample_vectors, sample_labels, len(set(sample_labels.tolist()) - {-1}))
        self.representation_ = representation.fit([texts[i] for i in sample], sample_labels)
        self.sample_coordinates_ = reduced[:, :2] if reduced.ndim == 2 and reduced.shape[1] >= 2 else None
        labels = np.full(len(texts), -1, dtype=np.int64)
        similarity = np.zeros(len(texts), dtype=np.float32)
        labels[sample] = sample_labels
        similarity[sample] = _similarity_to_own(sample_vectors, sample_labels, self.centroids_)
        self._assign_rest(texts, np.setdiff1d(with_words, sample, assume_unique=True), embeddings, labels, similarity)
        if self.reassign_outliers:
            self._reassign(sample, sample_vectors, labels, similarity)
        self.labels_, self.similarity_ = labels, similarity
        # How close a new post must be to join a topic: as close as 90% of the fitted posts are.
        joined = similarity[labels >= 0]
        self.join_similarity_ = float(np.quantile(joined, 0.1)) if len(joined) else 0.5
        self.topics_ = self._describe(texts, times, labels, similarity, sample, sample_vectors)
        return labels

    def _sample_rows(self, candidates: np.ndarray) -> np.ndarray:
        if self.sample_size is None or len(candidates) <= self.sample_size:
            return candidates
        chosen = np.random.default_rng(self.seed).choice(len(candidates), size=self.sample_size, replace=False)
        return candidates[np.sort(chosen)]

    def _embed(self, rows: np.ndarray, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is not None:
            return normalize_rows(np.asarray(embeddings[rows], dtype=np.float32))
        return self.embedder_.embed([texts[i] for i in rows])

    @staticmethod
    def _renumber(raw: np.ndarray) -> np.ndarray:
        """Topic ids by size, largest first (0, 1, ...); ties by the first post's position."""
        found = [int(t) for t in raw.tolist() if t >= 0]
        order = sorted(set(found), key=lambda t: (-found.count(t), found.index(t)))
        mapping = {old: new for new, old in enumerate(order)}
        return np.array([mapping.get(int(t), -1) for t in raw.tolist()], dtype=np.int64)

    def _assign_rest(
        self,
        texts: Sequence[str],
        rest: np.ndarray,
        embeddings: np.ndarray | None,
        labels: np.ndarray,
        sims: np.ndarray,
    ) -> None:
        for start in range(0, len(rest), self.batch_size):
            rows = rest[start : start + self.batch_size]
            labels[rows], sims[rows] = self._nearest(self._embed(rows, texts, embeddings))

    def _reassign(self, sample: np.ndarray, vectors: np.ndarray, labels: np.ndarray, sims: np.ndarray) -> None:
        outliers = np.flatnonzero(labels[sample] < 0)
        if len(outliers):
            rows = sample[outliers]
            labels[rows], sims[rows] = self._nearest(vectors[outliers])

    def _nearest(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(self.centroids_) == 0 or len(vectors) == 0:
            return np.full(len(vectors), -1, dtype=np.int64), np.zeros(len(vectors), dtype=np.float32)
        scores = vectors @ self.centroids_.T  # (N, K) cosine: both sides are unit length
        best = scores.argmax(axis=1)
        sim = scores[np.arange(len(vectors)), best].astype(np.float32)
        return np.where(sim >= self.min_similarity, best, -1).astype(np.int64), sim

    def _describe(
        self,
        texts: Sequence[str],
        times: Sequence[datetime | None] | None,
        labels: np.ndarray,
        sims: np.ndarray,
        sample: np.ndarray,
        sample_vectors: np.ndarray,
    ) -> list[TopicInfo]:
        keywords: dict[int, list[str]] = getattr(self.representation_, "keywords_", {})
        names = distinct_labels([keywords.get(t, []) for t in range(len(self.centroids_))])
        infos = []
        for topic in range(len(self.centroids_)):
            members = np.flatnonzero(labels == topic)
            # Representatives come from the sample, whose vectors are at hand.
            inside = np.flatnonzero(labels[sample] == topic)
            picked = pick_representatives(
                sample_vectors[inside],
                sims[sample[inside]],
                [texts[i] for i in sample[inside]],
                self.n_representative,
                keywords.get(topic, []),
            )
            best = sample[inside[picked]]
            stamps = [times[int(i)] for i in members if times[int(i)] is not None] if times is not None else []
            infos.append(
                TopicInfo(
                    id=topic,
                    keywords=keywords.get(topic, []),
                    label=names[topic],
                    size=len(members),
                    representative=best.tolist(),
                    representative_texts=[texts[i] for i in best],
                    first_seen=min(stamps) if stamps else None,  # type: ignore[type-var]
                )
            )
        return infos

    # -- assigning new posts ---------------------------------------------------------------
    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Nearest topic (-1 below ``min_similarity``) and its cosine similarity, in batches."""
        parts = list(self.iter_transform(texts, embeddings))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def iter_transform(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        texts = [t or "" for t in texts]
        for start in range(0, len(texts), self.batch_size):
            rows = np.arange(start, min(start + self.batch_size, len(texts)))
            yield self._nearest(self._embed(rows, texts, embeddings))

    # -- persistence -----------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write what assigning new posts needs: centroids, topics, settings, the embedder."""
        import pickle

        import orjson

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / ARRAYS_FILE, self.centroids_)
        state = {
            "settings": {k: v for k, v in self.get_params().items() if not isinstance(v, Component)},
            "stages": {k: repr(v) for k, v in self.get_params().items() if isinstance(v, Component)},
            "topics": [t.to_dict() for t in self.topics_],
            "join_similarity": self.join_similarity_,
        }
        (folder / MODEL_FILE).write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2))
        # The embedder is pickled because a corpus-fitted one (TF-IDF + SVD) carries a vocabulary.
        (folder / EMBEDDER_FILE).write_bytes(pickle.dumps(self.embedder_))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Topics:
        import pickle

        import orjson

        folder = Path(folder)
        if not (folder / MODEL_FILE).exists():
            raise ModelNotFoundError(f"no fitted topic model in {folder}; run `socialens analyze topics` first")
        state = orjson.loads((folder / MODEL_FILE).read_bytes())
        model = cls(**state["settings"])
        model.centroids_ = np.load(folder / ARRAYS_FILE)
        model.embedder_ = pickle.loads((folder / EMBEDDER_FILE).read_bytes())  # written by save() above
        model.embedder = model.embedder_
        model.topics_ = [TopicInfo.from_dict(t) for t in state["topics"]]
        model.join_similarity_ = float(state.get("join_similarity", 0.5))  # models saved before it: 0.5
        return model


def pick_representatives(
    vectors: np.ndarray,
    sims: np.ndarray,
    texts: Sequence[str],
    n: int,
    keywords: Sequence[str] = (),
    pool: int = 100,
    duplicate: float = 0.9,
) -> list[int]:
    """Up to ``n`` rows that stand for a topic without repeating each other (maximal marginal
    relevance). Relevance is the similarity to the centroid plus half the share of the topic's
    first five ``keywords`` the post contains (the closest posts to a centroid are often a bare
    "Thanks!", which shows nothing). Among the ``pool`` closest rows, repeatedly take the most
    relevant minus half its similarity to the rows already taken, skipping near copies (cosine
    >= ``duplicate``, or the same content words: a retweet).

    >>> v = np.array([[1.0, 0.0], [1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
    >>> pick_representatives(v, np.array([0.99, 0.99, 0.8]), ["golf course", "RT golf course", "rain today"], 2)
    [0, 2]
    """
    order = [int(i) for i in np.argsort(-sims, kind="stable")[:pool]]
    words = {i: set(analyzer(texts[i])) for i in order}
    wanted = set(list(keywords)[:5])
    relevance = {i: float(sims[i]) + 0.5 * len(words[i] & wanted) / max(len(wanted), 1) for i in order}
    chosen: list[int] = []
    seen: list[set[str]] = []
    while len(chosen) < n:
        best, best_score = -1, -np.inf
        for i in order:
            redundancy = float(np.max(vectors[chosen] @ vectors[i])) if chosen else 0.0
            if i in chosen or (words[i] and words[i] in seen) or redundancy >= duplicate:
                continue
            if relevance[i] - 0.5 * redundancy > best_score:
                best, best_score = i, relevance[i] - 0.5 * redundancy
        if best < 0:
            break
        chosen.append(best)
        seen.append(words[best])
    return chosen


def _centroids(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean embedding of each topic, ``(K, D)``."""
    centroids = np.zeros((k, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    for topic in range(k):
        centroids[topic] = vectors[labels == topic].mean(axis=0)
    return normalize_rows(centroids) if k else centroids


def _similarity_to_own(vectors: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    sims = np.zeros(len(labels), dtype=np.float32)
    inside = labels >= 0
    if inside.any():
        sims[inside] = np.einsum("nd,nd->n", vectors[inside], centroids[labels[inside]])
    return sims
