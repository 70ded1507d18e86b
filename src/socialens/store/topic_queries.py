"""The reads topic discovery needs: post texts with their times, and topic counts per period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialens.store.duckdb_store import Store

TIME_UNITS = ("day", "week", "month", "year")


def read_posts_for_topics(store: Store, limit: int | None = None) -> dict[str, list[Any]]:
    """``platform``, ``id``, ``text``, ``lang``, ``created_at`` of every post with text, in key order."""
    sql = "SELECT platform, id, text, lang, created_at FROM posts WHERE text IS NOT NULL AND trim(text) <> ''"
    sql += " ORDER BY platform, id"
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    table = store.cursor().sql(sql, params=params).to_arrow_table()
    return {name: table.column(name).to_pylist() for name in table.column_names}


def topic_counts_over_time(store: Store, unit: str, task: str = "topic") -> list[tuple[datetime, str, int]]:
    """``(period, topic label, posts)`` for every period with scored posts; outliers (-1) left out."""
    if unit not in TIME_UNITS:
        raise ValueError(f"unknown time unit {unit!r}; one of {TIME_UNITS}")
    rows = store.con.execute(
        """SELECT date_trunc(?, p.created_at) AS bucket, s.label, count(*) AS n
           FROM post_scores s JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
           WHERE s.task = ? AND s.label IS NOT NULL AND s.label <> '-1' AND p.created_at IS NOT NULL
           GROUP BY ALL ORDER BY bucket, s.label""",
        [unit, task],
    ).fetchall()
    return [(bucket, str(label), int(n)) for bucket, label, n in rows]


def topic_time_span(store: Store, task: str = "topic") -> tuple[datetime | None, datetime | None]:
    row = store.one(
        """SELECT min(p.created_at), max(p.created_at) FROM post_scores s
           JOIN posts p ON p.platform = s.platform AND p.id = s.post_id WHERE s.task = ?""",
        [task],
    )
    return (row[0], row[1]) if row else (None, None)
