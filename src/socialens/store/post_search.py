"""Paged post search: the posts of the open selection (``store.selection.scoped``), newest first,
with their sentiment and topic labels where those analyses ran."""

from __future__ import annotations

from typing import Any

from socialens.store.duckdb_store import Store

COLUMNS = (
    "platform", "id", "author", "created_at", "text", "lang", "hashtags",
    "like_count", "repost_count", "reply_to", "sentiment", "topic",
)  # fmt: skip


def search_posts(
    store: Store, limit: int = 50, offset: int = 0, topic: str | None = None, sentiment: str | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """``(total matching, one page of posts)``; ``topic``/``sentiment`` keep posts with that label."""
    where, params = ["1 = 1"], []
    if topic is not None:
        where.append("t.label = ?")
        params.append(topic)
    if sentiment is not None:
        where.append("s.label = ?")
        params.append(sentiment)
    body = f"""FROM posts p
        LEFT JOIN post_scores s ON s.platform = p.platform AND s.post_id = p.id AND s.task = 'sentiment'
        LEFT JOIN post_scores t ON t.platform = p.platform AND t.post_id = p.id AND t.task = 'topic'
        WHERE {" AND ".join(where)}"""
    total = store.one(f"SELECT count(*) {body}", params)
    rows = store.con.execute(
        f"""SELECT p.platform, p.id, p.author, p.created_at, p.text, p.lang, p.hashtags, p.like_count,
                   p.repost_count, p.reply_to, s.label, t.label
            {body} ORDER BY p.created_at DESC NULLS LAST, p.platform, p.id LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    ).fetchall()
    return (int(total[0]) if total else 0), [dict(zip(COLUMNS, row, strict=True)) for row in rows]
