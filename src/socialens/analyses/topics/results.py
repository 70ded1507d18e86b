"""A fitted topic model's output as store rows: per-post topics, topics, topics over time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from socialens.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

TASK = "topic"
MODEL = "topics.topics.v1"


def centroid_map(centroids: np.ndarray) -> np.ndarray:
    """2-D positions of the topic centroids (PCA of the centroids), ``(K, 2)``, for the topic map."""
    if len(centroids) < 3:
        return np.column_stack([np.arange(len(centroids), dtype=float), np.zeros(len(centroids))])
    centered = centroids - centroids.mean(axis=0)
    _, _, vt = np.linalg.svd(centered, full_matrices=False)
    return centered @ vt[:2].T


def post_topic_rows(posts: dict[str, list[Any]], labels: np.ndarray, sims: np.ndarray) -> pa.Table:
    """``post_scores`` rows: each post's topic (``-1`` an outlier) and its similarity to the topic."""
    import pyarrow as pa

    n = len(labels)
    return pa.table(
        {
            "platform": posts["platform"],
            "post_id": posts["id"],
            "task": [TASK] * n,
            "label": [str(int(t)) for t in labels],
            "score": np.round(sims.astype(float), 4).tolist(),
            "probabilities": pa.nulls(n, pa.string()),
            "model": [MODEL] * n,
        }
    )


def topic_items(topics: Any, posts: dict[str, list[Any]]) -> list[tuple[str, Any]]:
    """``analysis_results`` items of task ``topics``: one per topic, with its place on the topic map."""
    points = centroid_map(topics.centroids_)
    items = []
    for info, (x, y) in zip(topics.topics_, points.tolist(), strict=True):
        payload = info.to_dict()
        payload["representative_ids"] = [posts["id"][i] for i in info.representative]
        payload["x"], payload["y"] = round(x, 4), round(y, 4)
        items.append((str(info.id), payload))
    return items


def write_topics_over_time(store: Store, topics: Any) -> int:
    from socialens.report.overview import choose_time_unit
    from socialens.store.results import write_results
    from socialens.store.topic_queries import topic_counts_over_time, topic_time_span

    first, last = topic_time_span(store, TASK)
    if first is None or last is None:
        return write_results(store, "topics_over_time", [])
    unit = choose_time_unit(first, last)
    series: dict[str, list[list[Any]]] = {}
    for bucket, label, n in topic_counts_over_time(store, unit, TASK):
        series.setdefault(label, []).append([bucket.isoformat(), n])
    names = {str(t.id): t.label for t in topics.topics_}
    items = [
        (topic, {"label": names.get(topic, topic), "unit": unit, "series": points})
        for topic, points in sorted(series.items(), key=lambda kv: int(kv[0]))
    ]
    return write_results(store, "topics_over_time", items)
