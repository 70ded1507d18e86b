"""Reads for behaviour models and recommendations: time-ordered interaction logs, item texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialens.store.duckdb_store import Store


def read_interaction_log(
    store: Store, platform: str | None = None, kinds: Sequence[str] | None = None
) -> list[tuple[str, str, str]]:
    """``(actor, item, kind)`` of every interaction with a target post, by actor then time.

    Ties in time are broken by the interaction id (a hash of its fields), so the order, and
    with it every split drawn from it, is the same on every run and every machine.
    """
    sql = "SELECT actor, target_post, kind FROM interactions WHERE target_post IS NOT NULL"
    params: list[Any] = []
    if platform is not None:
        sql += " AND platform = ?"
        params.append(platform)
    if kinds:
        sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
        params.extend(kinds)
    sql += " ORDER BY actor, timestamp NULLS FIRST, id"
    return [(a, t, k) for a, t, k in store.con.execute(sql, params).fetchall()]


def read_items(
    store: Store, item_ids: Sequence[str] | None = None, platform: str | None = None
) -> dict[str, tuple[str, str | None]]:
    """``(text, author)`` by post id: every post (``item_ids=None``) or only the given ones."""
    sql = "SELECT id, coalesce(title || ' ', '') || coalesce(text, ''), author FROM posts"
    clauses, params = [], []  # type: ignore[var-annotated]
    if platform is not None:
        clauses.append("platform = ?")
        params.append(platform)
    if item_ids is not None:
        store.con.register("_wanted_items", _id_table(item_ids))
        clauses.append("id IN (SELECT id FROM _wanted_items)")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    try:
        return {i: (text, author) for i, text, author in store.con.execute(sql + " ORDER BY id", params).fetchall()}
    finally:
        if item_ids is not None:
            store.con.unregister("_wanted_items")


def _id_table(ids: Sequence[str]) -> Any:
    import pyarrow as pa

    return pa.table({"id": pa.array(list(ids), pa.string())})


def read_recent_posts(store: Store, limit: int, platform: str | None = None) -> list[tuple[str, str]]:
    """``(id, text)`` of the newest posts with text: candidates nobody has interacted with yet.

    Authors take turns (each one's newest post, then each one's second newest, ...), so one
    prolific account cannot fill the pool with posts its own recommendations must leave out.
    """
    where = "coalesce(text, '') <> ''"
    params: list[Any] = []
    if platform is not None:
        where += " AND platform = ?"
        params.append(platform)
    sql = (
        "SELECT id, coalesce(title || ' ', '') || coalesce(text, '') FROM posts "
        f"WHERE {where} ORDER BY row_number() OVER (PARTITION BY coalesce(author, platform || ':' || id) "
        "ORDER BY created_at DESC NULLS LAST, id), created_at DESC NULLS LAST, id LIMIT ?"
    )
    params.append(limit)
    return [(i, t) for i, t in store.con.execute(sql, params).fetchall()]


def user_known(store: Store, user: str) -> bool:
    """Whether ``user`` is an account or an actor in the store."""
    found = store.one(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?) "
        "OR EXISTS (SELECT 1 FROM interactions WHERE actor = ?) OR EXISTS (SELECT 1 FROM posts WHERE author = ?)",
        [user, user, user],
    )
    return found is not None


def sample_users(store: Store, limit: int = 3) -> list[str]:
    """A few known user ids, for error messages."""
    rows = store.con.execute(
        "SELECT id FROM (SELECT actor AS id FROM interactions UNION SELECT id FROM users) ORDER BY id LIMIT ?", [limit]
    ).fetchall()
    return [r[0] for r in rows]


def all_users(store: Store) -> list[str]:
    """Every actor and account id, sorted."""
    rows = store.con.execute(
        "SELECT id FROM (SELECT actor AS id FROM interactions UNION SELECT id FROM users "
        "UNION SELECT author FROM posts WHERE author IS NOT NULL) ORDER BY id"
    ).fetchall()
    return [r[0] for r in rows]


def read_histories(store: Store, users: Sequence[str]) -> dict[str, list[str]]:
    """Each given user's interacted post ids in time order (users without any are left out)."""
    store.con.register("_wanted_users", _id_table(users))
    try:
        rows = store.con.execute(
            "SELECT actor, target_post FROM interactions WHERE target_post IS NOT NULL "
            "AND actor IN (SELECT id FROM _wanted_users) ORDER BY actor, timestamp NULLS FIRST, id"
        ).fetchall()
    finally:
        store.con.unregister("_wanted_users")
    histories: dict[str, list[str]] = {}
    for actor, item in rows:
        histories.setdefault(actor, []).append(item)
    return histories


def read_authored(store: Store, users: Sequence[str], per_user: int) -> dict[str, list[str]]:
    """The newest ``per_user`` post ids each given user wrote."""
    store.con.register("_wanted_users", _id_table(users))
    try:
        rows = store.con.execute(
            "SELECT author, id FROM (SELECT author, id, row_number() OVER (PARTITION BY author "
            "ORDER BY created_at DESC NULLS LAST, id) AS n FROM posts WHERE author IN (SELECT id FROM _wanted_users)) "
            "WHERE n <= ? ORDER BY author, n",
            [per_user],
        ).fetchall()
    finally:
        store.con.unregister("_wanted_users")
    authored: dict[str, list[str]] = {}
    for author, post in rows:
        authored.setdefault(author, []).append(post)
    return authored


def item_popularity(store: Store, limit: int) -> list[tuple[str, int]]:
    """The ``limit`` posts with the most interactions, ``(post id, count)``, most first."""
    rows = store.con.execute(
        "SELECT target_post, count(*) AS n FROM interactions WHERE target_post IS NOT NULL "
        "GROUP BY target_post ORDER BY n DESC, target_post LIMIT ?",
        [limit],
    ).fetchall()
    return [(item, int(n)) for item, n in rows]
