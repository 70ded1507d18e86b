"""Reads behind the interaction graph, influence and community analyses.

Edges come from ``interactions`` (the store derives reply, repost, quote and mention
interactions from the posts at ingest). A reply, repost or quote names a post: its target
user is ``target_user`` when the platform gave one, else the author of the target post.
A mention names a handle: it is resolved to the account with that handle when the store
knows one, else the handle itself stands for the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from socialens.store.duckdb_store import Store

_EDGES_SQL = """
WITH handles AS (
    SELECT platform, handle, min(id) AS id FROM users WHERE handle IS NOT NULL GROUP BY platform, handle
), resolved AS (
    SELECT i.platform, i.actor, i.kind,
           CASE WHEN i.kind = 'mention' THEN coalesce(h.id, i.target_user)
                ELSE coalesce(i.target_user, p.author) END AS target
    FROM interactions i
    LEFT JOIN posts p ON i.target_user IS NULL AND p.platform = i.platform AND p.id = i.target_post
    LEFT JOIN handles h ON i.kind = 'mention' AND h.platform = i.platform AND h.handle = i.target_user
    WHERE list_contains(?, i.kind)
      AND (CAST(? AS TIMESTAMP) IS NULL OR i.timestamp >= CAST(? AS TIMESTAMP))
      AND (CAST(? AS TIMESTAMP) IS NULL OR i.timestamp < CAST(? AS TIMESTAMP))
)
SELECT platform, actor, target, kind, count(*) AS n
FROM resolved
WHERE target IS NOT NULL AND target <> actor
GROUP BY platform, actor, target, kind
ORDER BY platform, actor, target, kind
"""


def interaction_edges(
    store: Store, kinds: Sequence[str], since: datetime | None = None, until: datetime | None = None
) -> list[tuple[str, str, str, str, int]]:
    """``(platform, actor, target user, kind, count)`` per directed pair and kind, self-loops left out.

    ``since`` is inclusive and ``until`` exclusive, on the interaction's timestamp; an
    interaction without a timestamp is left out as soon as either bound is given.
    """
    # The store keeps naive UTC times: compare with naive UTC bounds, whatever DuckDB's session zone.
    low, high = _naive_utc(since), _naive_utc(until)
    params: list[Any] = [list(kinds), low, low, high, high]
    return [(p, a, t, k, int(n)) for p, a, t, k, n in store.con.execute(_EDGES_SQL, params).fetchall()]


def _naive_utc(when: datetime | None) -> datetime | None:
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def user_reach(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    """Per account: followers (as the platform reported them) and the posts it wrote with the
    engagement they received (likes, reposts, replies, quotes as counted by the platform)."""
    rows = store.con.execute(
        """SELECT coalesce(u.platform, p.platform), coalesce(u.id, p.author),
                  max(u.followers), count(p.id),
                  coalesce(sum(p.like_count), 0), coalesce(sum(p.repost_count), 0),
                  coalesce(sum(p.reply_count), 0), coalesce(sum(p.quote_count), 0)
           FROM users u FULL OUTER JOIN posts p ON p.platform = u.platform AND p.author = u.id
           WHERE coalesce(u.id, p.author) IS NOT NULL
           GROUP BY ALL"""
    ).fetchall()
    return {
        (platform, user): {
            "followers": int(followers or 0),
            "posts": int(posts),
            "likes": int(likes),
            "reposts": int(reposts),
            "replies": int(replies),
            "quotes": int(quotes),
        }
        for platform, user, followers, posts, likes, reposts, replies, quotes in rows
    }


def _with_members(store: Store, members: pa.Table, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``members`` (platform, user_id, community) registered as ``_members``."""
    store.con.register("_members", members)
    try:
        return store.con.execute(sql, params or []).fetchall()
    finally:
        store.con.unregister("_members")


def members_table(membership: Sequence[tuple[str, str, int]]) -> pa.Table:
    """``(platform, user_id, community)`` rows as the Arrow table the community reads take."""
    platforms, users, communities = zip(*membership, strict=True) if membership else ((), (), ())
    return pa.table(
        {
            "platform": pa.array(platforms, pa.string()),
            "user_id": pa.array(users, pa.string()),
            "community": pa.array(communities, pa.int64()),
        }
    )


def community_hashtags(store: Store, members: pa.Table, top: int = 10) -> dict[int, list[tuple[str, int]]]:
    """The most used hashtags in each community's posts, most used first."""
    rows = _with_members(
        store,
        members,
        """WITH tags AS (
               SELECT m.community, t.tag, count(*) AS n
               FROM posts p JOIN _members m ON m.platform = p.platform AND m.user_id = p.author,
                    unnest(p.hashtags) AS t(tag)
               GROUP BY ALL)
           SELECT community, tag, n FROM (
               SELECT *, row_number() OVER (PARTITION BY community ORDER BY n DESC, tag) AS r FROM tags)
           WHERE r <= ? ORDER BY community, n DESC, tag""",
        [top],
    )
    out: dict[int, list[tuple[str, int]]] = {}
    for community, tag, n in rows:
        out.setdefault(int(community), []).append((str(tag), int(n)))
    return out


def community_labels(store: Store, members: pa.Table, task: str, top: int = 5) -> dict[int, list[tuple[str, int]]]:
    """Counts of the ``post_scores`` labels of ``task`` among each community's posts, most frequent first."""
    rows = _with_members(
        store,
        members,
        """WITH labels AS (
               SELECT m.community, s.label, count(*) AS n
               FROM post_scores s
               JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
               JOIN _members m ON m.platform = p.platform AND m.user_id = p.author
               WHERE s.task = ? AND s.label IS NOT NULL
               GROUP BY ALL)
           SELECT community, label, n FROM (
               SELECT *, row_number() OVER (PARTITION BY community ORDER BY n DESC, label) AS r FROM labels)
           WHERE r <= ? ORDER BY community, n DESC, label""",
        [task, top],
    )
    out: dict[int, list[tuple[str, int]]] = {}
    for community, label, n in rows:
        out.setdefault(int(community), []).append((str(label), int(n)))
    return out


def community_post_counts(store: Store, members: pa.Table) -> dict[int, int]:
    """How many posts each community's members wrote."""
    rows = _with_members(
        store,
        members,
        """SELECT m.community, count(*) FROM posts p
           JOIN _members m ON m.platform = p.platform AND m.user_id = p.author GROUP BY m.community""",
    )
    return {int(c): int(n) for c, n in rows}


def user_handles(store: Store, users: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The handle of each of ``users`` that the store knows (pseudonymised unless raw ids are kept)."""
    if not users:
        return {}
    wanted = pa.table(
        {"platform": pa.array([u[0] for u in users], pa.string()), "id": pa.array([u[1] for u in users], pa.string())}
    )
    store.con.register("_wanted", wanted)
    try:
        rows = store.con.execute(
            """SELECT u.platform, u.id, u.handle FROM users u
               JOIN _wanted w ON w.platform = u.platform AND w.id = u.id WHERE u.handle IS NOT NULL"""
        ).fetchall()
    finally:
        store.con.unregister("_wanted")
    return {(p, i): str(h) for p, i, h in rows}
