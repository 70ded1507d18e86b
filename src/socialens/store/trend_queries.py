"""The reads trends and alerts need: timed posts in time order, with their labels, and volume per bin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from socialens.store.duckdb_store import Store

TIMED_POST_COLUMNS = ("platform", "id", "created_at", "text", "hashtags", "lang", "engagement", "sentiment", "topic")


def iter_timed_posts(store: Store, batch_size: int = 5_000, topic_task: str = "topic") -> Iterator[pa.RecordBatch]:
    """Posts that have a time, oldest first, with engagement (likes + reposts), the sentiment label
    and the topic label (where those analyses ran), on a cursor of their own."""
    cursor = store.cursor()
    yield from cursor.sql(
        """SELECT p.platform, p.id, p.created_at, p.text, p.hashtags, p.lang,
                  coalesce(p.like_count, 0) + coalesce(p.repost_count, 0) AS engagement,
                  s.label AS sentiment, t.label AS topic
           FROM posts p
           LEFT JOIN post_scores s ON s.platform = p.platform AND s.post_id = p.id AND s.task = 'sentiment'
           LEFT JOIN post_scores t ON t.platform = p.platform AND t.post_id = p.id AND t.task = ?
           WHERE p.created_at IS NOT NULL
           ORDER BY p.created_at, p.platform, p.id""",
        params=[topic_task],
    ).to_arrow_reader(batch_size)


def timed_post_span(store: Store) -> tuple[datetime | None, datetime | None, int]:
    """First and last post time and how many posts have a time."""
    row = store.one("SELECT min(created_at), max(created_at), count(created_at) FROM posts")
    return (row[0], row[1], int(row[2])) if row else (None, None, 0)


@dataclass(frozen=True, slots=True)
class TimedPosts:
    """The selection's timed posts as a corpus pass sees them: their span and count, and
    :meth:`batches` (oldest first, as :func:`iter_timed_posts`), readable more than once."""

    first: datetime | None
    last: datetime | None
    count: int
    _store: Store

    def batches(self) -> Iterator[pa.RecordBatch]:
        return iter_timed_posts(self._store)


def timed_posts(store: Store) -> TimedPosts:
    """The timed posts of ``store`` (inside a selection scope: of the selection)."""
    return TimedPosts(*timed_post_span(store), store)


def posts_per_bin(store: Store, unit: str) -> list[tuple[datetime, int]]:
    """Post counts per ``unit`` (hour, day, week, month), oldest first; empty bins are left out."""
    if unit not in ("hour", "day", "week", "month"):
        raise ValueError(f"unknown time unit {unit!r}")
    rows = store.con.execute(
        """SELECT date_trunc(?, created_at) AS bucket, count(*) FROM posts
           WHERE created_at IS NOT NULL GROUP BY 1 ORDER BY 1""",
        [unit],
    ).fetchall()
    return [(bucket, int(n)) for bucket, n in rows]


def alert_counts(store: Store) -> list[tuple[str, int]]:
    """Stored alerts per kind, commonest first."""
    rows = store.con.execute("SELECT kind, count(*) FROM alerts GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    return [(str(kind), int(n)) for kind, n in rows]


def rows_as_dicts(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    return batch.to_pylist()
