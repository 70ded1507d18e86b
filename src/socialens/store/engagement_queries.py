"""Reads for engagement prediction: every timed post with its author, text and counts."""

from __future__ import annotations

from typing import Any

from socialens.store.duckdb_store import Store


def posts_for_engagement(store: Store) -> dict[str, list[Any]]:
    """Columns ``platform``, ``id``, ``author``, ``created_at``, ``text``, ``retweets``, ``favourites``
    of posts with a time, oldest first. Reposts are left out: their counts belong to the original."""
    cursor = store.con.execute(
        """SELECT platform, id, coalesce(author, ''), created_at, coalesce(text, ''),
                  repost_count, like_count
           FROM posts WHERE created_at IS NOT NULL AND repost_of IS NULL
           ORDER BY created_at, platform, id"""
    )
    names = ("platform", "id", "author", "created_at", "text", "retweets", "favourites")
    rows = cursor.fetchall()
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
