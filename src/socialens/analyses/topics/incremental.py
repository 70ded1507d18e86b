"""Incremental topics: assign each new batch to the fitted topics and flag topics that emerge.

A post close enough to a topic centroid (cosine >= ``min_similarity``; by default the fitted
model's ``join_similarity_``, the cosine that 90% of its fitted posts reach) joins that topic.
The others are buffered; when the buffer holds enough of them, it is clustered, and every
cluster of at least ``min_new_size`` posts becomes a new topic with its first-seen time.
Work per batch is bounded: one matrix product against the centroids, plus clustering a
buffer of at most ``max_buffer`` posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from socialens.analyses.topics.clusterers import Clusterer, HDBSCANClusterer
from socialens.analyses.topics.model import TopicInfo, Topics, make_label
from socialens.analyses.topics.representation import CTfidf


@dataclass(frozen=True, slots=True)
class NewTopic:
    """A topic that did not exist before, as ``TopicTracker.update`` reports it (once)."""

    id: int
    keywords: list[str]
    label: str
    first_seen: datetime | None
    size: int
    post_ids: list[str] = field(default_factory=list)  # up to 5 representative posts
    texts: list[str] = field(default_factory=list)


class TopicTracker:
    """Streaming state over a fitted :class:`Topics`: ``update(texts, times, ids)`` / ``get()``."""

    def __init__(
        self,
        topics: Topics,
        min_similarity: float | None = None,
        min_new_size: int = 10,
        max_buffer: int = 5_000,
        clusterer: Clusterer | None = None,
    ) -> None:
        self.topics = topics
        self.min_similarity = min_similarity
        # Cosines depend on the embedder (static vectors sit lower than MiniLM's): the model knows.
        self.threshold_ = min_similarity if min_similarity is not None else getattr(topics, "join_similarity_", 0.5)
        self.min_new_size = min_new_size
        self.max_buffer = max_buffer
        self.clusterer = clusterer
        self.centroids_ = np.asarray(topics.centroids_, dtype=np.float32).copy()
        self.infos_: list[TopicInfo] = list(topics.topics_)
        self.counts_: dict[int, int] = {}
        self.assignments_ = np.zeros(0, dtype=np.int64)
        self._buffer_vectors = np.zeros((0, self.centroids_.shape[1]), dtype=np.float32)
        self._buffer: list[tuple[str, datetime | None, str]] = []  # (text, time, id) per buffered row

    def update(
        self, texts: Sequence[str], times: Sequence[datetime | None] | None = None, ids: Sequence[str] | None = None
    ) -> list[NewTopic]:
        """Assign a batch; return the topics that emerged from it (and earlier buffered posts)."""
        if not texts:
            self.assignments_ = np.zeros(0, dtype=np.int64)
            return []
        times = list(times) if times is not None else [None] * len(texts)
        ids = [str(i) for i in ids] if ids is not None else [""] * len(texts)
        vectors = self.topics.embedder_.embed([t or "" for t in texts])
        labels = self._nearest(vectors)
        for topic in labels[labels >= 0].tolist():
            self.counts_[topic] = self.counts_.get(topic, 0) + 1
        far = np.flatnonzero(labels < 0)
        self._buffer_vectors = np.concatenate([self._buffer_vectors, vectors[far]])[-self.max_buffer :]
        rows = [(texts[int(i)] or "", times[int(i)], ids[int(i)]) for i in far]
        self._buffer = [*self._buffer, *rows][-self.max_buffer :]
        self.assignments_ = labels
        return self._emerge() if len(self._buffer) >= self.min_new_size else []

    def _nearest(self, vectors: np.ndarray) -> np.ndarray:
        if len(self.centroids_) == 0:
            return np.full(len(vectors), -1, dtype=np.int64)
        scores = vectors @ self.centroids_.T  # (N, K)
        best = scores.argmax(axis=1)
        return np.where(scores[np.arange(len(vectors)), best] >= self.threshold_, best, -1).astype(np.int64)

    def _emerge(self) -> list[NewTopic]:
        # A buffer may hold a single new theme: HDBSCAN must be allowed to call it one cluster.
        clusterer = self.clusterer or HDBSCANClusterer(self.min_new_size, allow_single_cluster=True)
        labels = clusterer.fit(self._buffer_vectors).labels_
        found = [t for t in sorted(set(labels.tolist()) - {-1}) if self._is_topic(labels == t)]
        if not found:
            return []
        claimed = np.zeros(len(labels), dtype=bool)
        groups = []
        for t in found:
            # Buffered posts HDBSCAN left as noise still join if they are close enough to the new centre.
            members = self._buffer_vectors @ _unit(self._buffer_vectors[labels == t].mean(axis=0)) >= self.threshold_
            members = (members | (labels == t)) & ~claimed
            claimed |= members
            groups.append(np.flatnonzero(members))
        grouped = np.full(len(labels), -1, dtype=np.int64)
        for t, members in zip(found, groups, strict=True):
            grouped[members] = t
        words = CTfidf(min_df=2).fit([text for text, _, _ in self._buffer], grouped).keywords_
        new = [self._add_topic(members, words.get(t, [])) for t, members in zip(found, groups, strict=True)]
        self._buffer_vectors = self._buffer_vectors[~claimed]
        self._buffer = [row for row, taken in zip(self._buffer, claimed.tolist(), strict=True) if not taken]
        return new

    def _is_topic(self, members: np.ndarray) -> bool:
        """Big enough, and as tight as a post must be to join a topic (so scattered noise is not one)."""
        if int(members.sum()) < self.min_new_size:
            return False
        vectors = self._buffer_vectors[members]
        return float((vectors @ _unit(vectors.mean(axis=0))).mean()) >= self.threshold_

    def _add_topic(self, members: np.ndarray, keywords: list[str]) -> NewTopic:
        topic = len(self.centroids_)
        centroid = _unit(self._buffer_vectors[members].mean(axis=0))
        self.centroids_ = np.vstack([self.centroids_, centroid[None, :]])
        sims = self._buffer_vectors[members] @ centroid
        best = members[np.argsort(-sims, kind="stable")[:5]]
        stamps = [self._buffer[i][1] for i in members if self._buffer[i][1] is not None]
        first_seen = min(stamps) if stamps else None  # type: ignore[type-var]
        label = make_label(keywords, topic)
        self.counts_[topic] = len(members)
        texts = [self._buffer[i][0] for i in best]
        self.infos_.append(TopicInfo(topic, keywords, label, len(members), [], texts, first_seen))
        return NewTopic(topic, keywords, label, first_seen, len(members), [self._buffer[i][2] for i in best], texts)

    def get(self) -> dict[str, Any]:
        return {
            "topics": [t.to_dict() for t in self.infos_],
            "buffered": len(self._buffer),
            "counts": dict(sorted(self.counts_.items())),
        }


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
