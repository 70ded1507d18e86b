"""Per-post scores that analyses write back (table ``post_scores``), and the reads they need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from socialens.store.duckdb_store import Store

SCORE_COLUMNS = ("platform", "post_id", "task", "label", "score", "probabilities", "model")


def write_scores(store: Store, rows: pa.Table) -> int:
    """Insert or replace scores (one row per post and task), in one transaction."""
    if rows.num_rows == 0:
        return 0
    # run_key (which model and settings) is written when the task pipeline gives it.
    columns = [*SCORE_COLUMNS, *(("run_key",) if "run_key" in rows.column_names else ())]
    store.con.register("_scores_input", rows.select(columns))
    try:
        with store.transaction():
            store.con.execute(
                f"INSERT OR REPLACE INTO post_scores ({', '.join(columns)}) "
                f"SELECT {', '.join(columns)} FROM _scores_input"
            )
    finally:
        store.con.unregister("_scores_input")
    return rows.num_rows


def label_counts_over_time(store: Store, task: str, unit: str) -> dict[str, list[tuple[datetime, int]]]:
    """Scored posts per label and period (periods with no scored post are left out)."""
    if unit not in ("day", "week", "month", "year"):
        raise ValueError(f"unknown time unit {unit!r}")
    rows = store.con.execute(
        """SELECT date_trunc(?, p.created_at) AS bucket, s.label, count(*) AS n
           FROM post_scores s JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
           WHERE s.task = ? AND s.label IS NOT NULL AND p.created_at IS NOT NULL
           GROUP BY ALL ORDER BY s.label, bucket""",
        [unit, task],
    ).fetchall()
    series: dict[str, list[tuple[datetime, int]]] = {}
    for bucket, label, n in rows:
        series.setdefault(str(label), []).append((bucket, int(n)))
    return series


def score_span(store: Store, task: str) -> tuple[Any, Any, int]:
    row = store.one(
        """SELECT min(p.created_at), max(p.created_at), count(*) FROM post_scores s
           JOIN posts p ON p.platform = s.platform AND p.id = s.post_id WHERE s.task = ?""",
        [task],
    )
    return (row[0], row[1], int(row[2])) if row else (None, None, 0)


def label_counts(store: Store, task: str) -> list[tuple[str, int]]:
    """Scored posts per label, most first; only posts in ``posts`` (the open selection) count."""
    rows = store.con.execute(
        """SELECT coalesce(s.label, 'unscored'), count(*) FROM post_scores s
           SEMI JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
           WHERE s.task = ? GROUP BY 1 ORDER BY 2 DESC, 1""",
        [task],
    ).fetchall()
    return [(str(label), int(n)) for label, n in rows]


def extreme_posts(
    store: Store, task: str, limit: int = 5, highest: bool = True, exclude_labels: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Posts with the highest (or lowest) score for a task, with their text and time; posts labelled
    one of ``exclude_labels`` are left out (e.g. 'neither' for the most offensive posts)."""
    order = "DESC" if highest else "ASC"
    cursor = store.con.execute(
        f"""SELECT p.text, p.created_at, s.label, s.score FROM post_scores s
            JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
            WHERE s.task = ? AND s.score IS NOT NULL AND coalesce(s.label, '') NOT IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY s.score {order}, p.platform, p.id LIMIT ?""",
        [task, list(exclude_labels), limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
