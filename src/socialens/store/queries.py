"""Read-only questions the report (and later the dashboard) asks of a store.

All SQL lives in the store package; these functions hide it behind plain Python values
(lists, dicts, ``datetime``), so a report section never sees DuckDB. Timestamps are the
store's naive UTC values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from socialens.store.duckdb_store import Store

TimeUnit = Literal["day", "week", "month"]
# Whitelisted because a time unit is spliced into SQL (DuckDB does not bind interval units).
_STEPS: dict[str, str] = {"day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH"}
_ENTITY_COLUMNS = ("hashtags", "mentions", "urls", "emoji")


def _one(store: Store, sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
    row = store.one(sql, params)
    assert row is not None  # aggregates always return a row
    return row


def _pairs(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[str, int]]:
    return [(str(key), int(n)) for key, n in store.con.execute(sql, params or []).fetchall()]


def table_counts(store: Store) -> dict[str, int]:
    """Rows in each record table."""
    return {table: store.count(table) for table in ("posts", "users", "interactions")}


def post_stats(store: Store) -> dict[str, Any]:
    """Distinct authors, first and last post time, and how many posts carry no time."""
    authors, first, last, untimed = _one(
        store,
        "SELECT count(DISTINCT author), min(created_at), max(created_at), "
        "count(*) FILTER (WHERE created_at IS NULL) FROM posts",
    )
    return {"authors": int(authors), "first": first, "last": last, "untimed": int(untimed)}


def posts_by_platform(store: Store) -> list[tuple[str, int]]:
    """``(platform, posts)``, most posts first."""
    return _pairs(store, "SELECT platform, count(*) FROM posts GROUP BY platform ORDER BY 2 DESC, 1")


def interactions_by_kind(store: Store) -> list[tuple[str, int]]:
    """``(kind, interactions)``, most first."""
    return _pairs(store, "SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY 2 DESC, 1")


def ingest_stats(store: Store) -> dict[str, int]:
    """Totals over the ingest log: runs, files, records read, rejected, files that failed."""
    runs, files, read, rejected, failed = _one(
        store,
        "SELECT count(DISTINCT run_id), count(*), coalesce(sum(read), 0), coalesce(sum(rejected), 0), "
        "count(*) FILTER (WHERE status = 'error') FROM ingests",
    )
    return {"runs": int(runs), "files": int(files), "read": int(read), "rejected": int(rejected), "failed": int(failed)}


def posts_over_time(store: Store, unit: TimeUnit) -> dict[str, list[tuple[datetime, int]]]:
    """Posts per ``unit`` and platform, with empty periods filled in as 0 (a gap is data too).

    Each platform maps to ``(period start, posts)`` in time order, all on the same periods.
    """
    if unit not in _STEPS:
        raise ValueError(f"unknown time unit {unit!r}; one of {sorted(_STEPS)}")
    rows = store.con.execute(
        f"""WITH counts AS (
                SELECT date_trunc(?, created_at) AS bucket, platform, count(*) AS n
                FROM posts WHERE created_at IS NOT NULL GROUP BY ALL),
            buckets AS (
                SELECT unnest(generate_series(min(bucket), max(bucket), {_STEPS[unit]})) AS bucket FROM counts),
            platforms AS (SELECT DISTINCT platform FROM counts)
            SELECT b.bucket, p.platform, coalesce(c.n, 0)
            FROM buckets b CROSS JOIN platforms p LEFT JOIN counts c USING (bucket, platform)
            ORDER BY p.platform, b.bucket""",
        [unit],
    ).fetchall()
    series: dict[str, list[tuple[datetime, int]]] = {}
    for bucket, platform, n in rows:
        series.setdefault(str(platform), []).append((bucket, int(n)))
    return series


def language_counts(store: Store, limit: int = 15) -> list[tuple[str, int]]:
    """``(language code, posts)``, most first; posts without a language count as ``und``."""
    return _pairs(
        store,
        "SELECT coalesce(lang, 'und') AS lang, count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
        [limit],
    )


def top_entities(store: Store, column: str, limit: int = 20) -> list[tuple[str, int]]:
    """The most used hashtags, mentions (pseudonyms), URLs or emoji: ``(value, posts using it)``."""
    if column not in _ENTITY_COLUMNS:
        raise ValueError(f"unknown entity column {column!r}; one of {list(_ENTITY_COLUMNS)}")
    return _pairs(
        store,
        f"""SELECT value, count(*) FROM (SELECT unnest(list_distinct({column})) AS value FROM posts)
            GROUP BY value ORDER BY 2 DESC, 1 LIMIT ?""",
        [limit],
    )


def most_engaged_posts(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """Original posts with the most likes plus reposts, as dicts of the shown fields.

    Reposts are left out: platforms report the original's counts on a repost, so they would
    crowd the list with copies.
    """
    cursor = store.con.execute(
        """SELECT platform, id, author, text, created_at, like_count, repost_count, reply_count,
                  coalesce(like_count, 0) + coalesce(repost_count, 0) AS engagement
           FROM posts
           WHERE repost_of IS NULL AND (like_count IS NOT NULL OR repost_count IS NOT NULL)
           ORDER BY engagement DESC, platform, id LIMIT ?""",
        [limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def distinct_post_texts(store: Store) -> list[tuple[str, str | None]]:
    """Each distinct non-empty post text (reposts left out) with its stored language, in a fixed order."""
    cursor = store.con.execute(
        """SELECT text, min(lang) FROM posts
           WHERE repost_of IS NULL AND text IS NOT NULL AND trim(text) <> ''
           GROUP BY text ORDER BY text"""
    )
    return [(str(text), lang) for text, lang in cursor.fetchall()]
