"""The SQL of erasure: what a store holds of some accounts, and removing or redacting it.

``privacy.erasure`` decides whom to forget; this module finds and rewrites their rows, in
the caller's transaction. Tables used: ``_forget_users(platform, id)`` and
``_forget_handles(platform, handle)`` (registered by the caller), ``_forget_posts`` (made here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyarrow as pa

from socialens.store.duckdb_store import Store
from socialens.store.migrations import RESULT_TABLES

REDACTED = "[forgotten]"
_WORD = "0-9A-Za-z_"


def platforms(store: Store) -> list[str]:
    rows = store.con.execute(
        "SELECT DISTINCT platform FROM (SELECT platform FROM users UNION ALL SELECT platform FROM posts "
        "UNION ALL SELECT platform FROM interactions) ORDER BY platform"
    ).fetchall()
    return [p for (p,) in rows]


def pairs_table(pairs: Iterable[tuple[str, str]], name: str) -> pa.Table:
    """(platform, value) pairs as an Arrow table of two text columns (typed even when empty)."""
    rows = sorted(set(pairs))
    return pa.table(
        {"platform": pa.array([p for p, _ in rows], pa.string()), name: pa.array([v for _, v in rows], pa.string())}
    )


def known_accounts(
    store: Store, ids: list[tuple[str, str]], handles: list[tuple[str, str]]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Of the candidate (platform, id) and (platform, handle) pairs, those the store knows,
    with the ids of accounts found by handle and the handles of accounts found by id."""
    con = store.con
    con.register("_ids", pairs_table(ids, "id"))
    con.register("_handles", pairs_table(handles, "handle"))
    try:
        found_ids = set(
            con.execute(
                """SELECT platform, id FROM _ids WHERE (platform, id) IN (
                       SELECT (platform, id) FROM users UNION ALL SELECT (platform, author) FROM posts
                       UNION ALL SELECT (platform, actor) FROM interactions
                       UNION ALL SELECT (platform, target_user) FROM interactions)
                   UNION SELECT u.platform, u.id FROM users u JOIN _handles h USING (platform, handle)"""
            ).fetchall()
        )
        found_handles = set(
            con.execute(
                """SELECT platform, handle FROM _handles WHERE (platform, handle) IN (
                       SELECT (platform, handle) FROM users
                       UNION ALL SELECT (platform, target_user) FROM interactions WHERE kind = 'mention'
                       UNION ALL SELECT (platform, m) FROM (SELECT platform, unnest(mentions) AS m FROM posts))
                   UNION SELECT u.platform, u.handle FROM users u JOIN _ids i USING (platform, id)
                   WHERE u.handle IS NOT NULL"""
            ).fetchall()
        )
    finally:
        con.unregister("_ids")
        con.unregister("_handles")
    return found_ids, found_handles


def delete_accounts(store: Store) -> dict[str, int]:
    """Delete the accounts' posts (and reposts of them: their content), interactions in both
    directions, scores and user rows. Returns rows deleted per table."""
    con = store.con
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _forget_posts AS
           SELECT platform, id FROM posts WHERE (platform, author) IN (SELECT (platform, id) FROM _forget_users)"""
    )
    con.execute(
        """INSERT INTO _forget_posts SELECT platform, id FROM posts
           WHERE (platform, repost_of) IN (SELECT (platform, id) FROM _forget_posts)
             AND (platform, id) NOT IN (SELECT (platform, id) FROM _forget_posts)"""
    )
    users, handles, posts = (
        "(SELECT (platform, id) FROM _forget_users)",
        "(SELECT (platform, handle) FROM _forget_handles)",
        "(SELECT (platform, id) FROM _forget_posts)",
    )
    media = f"(SELECT (platform, id) FROM media WHERE (platform, post) IN {posts})"
    statements = {
        "media_frames": f"DELETE FROM media_frames WHERE (platform, media_id) IN {media}",
        "media": f"DELETE FROM media WHERE (platform, post) IN {posts}",
        "interactions": f"""DELETE FROM interactions WHERE (platform, actor) IN {users}
               OR (platform, target_user) IN {users} OR (platform, target_user) IN {handles}
               OR (platform, target_post) IN {posts}""",
        "post_scores": f"DELETE FROM post_scores WHERE (platform, post_id) IN {posts}",
        "post_entities": f"DELETE FROM post_entities WHERE (platform, post_id) IN {posts}",
        "user_scores": f"DELETE FROM user_scores WHERE (platform, user_id) IN {users}",
        "posts": f"DELETE FROM posts WHERE (platform, id) IN {posts}",
        "users": f"DELETE FROM users WHERE (platform, id) IN {users}",
    }
    deleted: dict[str, int] = {}
    for table, sql in statements.items():
        row = con.execute(sql).fetchone()
        deleted[table] = int(row[0]) if row else 0
    return deleted


def forgotten_media_paths(store: Store) -> list[str]:
    """Library paths of the forgotten posts' attachments (call before :func:`delete_accounts`)."""
    rows = store.con.execute(
        """SELECT DISTINCT path FROM media WHERE path IS NOT NULL
           AND (platform, post) IN (SELECT (platform, id) FROM posts
                WHERE (platform, author) IN (SELECT (platform, id) FROM _forget_users))"""
    ).fetchall()
    return [p for (p,) in rows]


def unreferenced_paths(store: Store, paths: list[str]) -> list[str]:
    """Of ``paths``, those no media row refers to any more (a picture another account also posted stays)."""
    if not paths:
        return []
    kept = {
        p
        for (p,) in store.con.execute(
            "SELECT DISTINCT path FROM media WHERE list_contains(?, path)", [paths]
        ).fetchall()
    }
    return [p for p in paths if p not in kept]


def forgotten_post_ids(store: Store) -> list[str]:
    return [i for (i,) in store.con.execute("SELECT DISTINCT id FROM _forget_posts").fetchall()]


def unlink_posts(store: Store) -> int:
    """Other posts' reply and quote links to the deleted posts, emptied (a dangling id would still
    say the account posted there; a Bluesky id even carries its pseudonym)."""
    total = 0
    for column in ("reply_to", "quote_of", "repost_of"):
        row = store.con.execute(
            f"""UPDATE posts SET {column} = NULL
                WHERE (platform, {column}) IN (SELECT (platform, id) FROM _forget_posts)"""
        ).fetchone()
        total += int(row[0]) if row else 0
    return total


def word_pattern(tokens: Iterable[str]) -> str:
    """A pattern matching any of ``tokens`` as a whole word (Python and RE2 read it the same)."""
    parts = sorted({re.escape(t) for t in tokens if t}, key=len, reverse=True)
    return f"(?:^|[^{_WORD}])(?:{'|'.join(parts)})(?:[^{_WORD}]|$)" if parts else ""


def _by_platform(pairs: set[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for platform, value in pairs:
        out.setdefault(platform, set()).add(value)
    return out


def redact_posts(store: Store, handles: set[tuple[str, str]], tokens: set[str]) -> int:
    """Remove ``handles`` ((platform, handle) pairs) from other posts' mention lists and replace
    ``tokens`` (pseudonyms, readable public handles) in their text, title, URLs and media."""
    con = store.con
    changed = 0
    for platform, gone in sorted(_by_platform(handles).items()):
        row = con.execute(
            """UPDATE posts SET mentions = list_filter(mentions, lambda m: NOT list_contains($gone, m))
               WHERE platform = $platform AND list_has_any(mentions, $gone)""",
            {"gone": sorted(gone), "platform": platform},
        ).fetchone()
        changed += int(row[0]) if row else 0
    pattern = word_pattern(tokens)
    if not pattern:
        return changed
    for column in ("text", "title"):
        changed += _redact_column(store, "posts", ("platform", "id"), column, pattern, tokens)
    for column in ("urls", "media"):
        changed += _redact_list(store, column, pattern, tokens)
    for column in ("url", "alt_text"):  # other posts' attachments: URLs and alt text that name the account
        changed += _redact_column(store, "media", ("platform", "id"), column, pattern, tokens)
    return changed


def redact_results(store: Store, tokens: set[str]) -> dict[str, int]:
    """Replace ``tokens`` in analysis results, alerts (JSON payloads, summaries), text read in
    other posts' pictures (``media_frames.ocr_text``) and the task runs' records (a run selected
    with ``--author`` names the account in its selection) by ``[forgotten]``."""
    pattern = word_pattern(tokens)
    if not pattern:
        return {}
    out = {}
    # A result item keyed by the account (its community membership, its profile) is a result
    # about it: deleted, not redacted (several such items would collide on one "[forgotten]" key).
    row = store.con.execute("DELETE FROM analysis_results WHERE regexp_matches(item, ?)", [pattern]).fetchone()
    about = int(row[0]) if row else 0
    for table, key, columns in (("analysis_results", ("task", "item"), ("payload",)),
                                 ("alerts", ("id",), ("summary", "payload")),
                                 ("post_entities", ("platform", "post_id", "position"), ("entity", "key")),
                                 ("media_frames", ("platform", "media_id", "frame_ms"), ("ocr_text",)),
                                 ("task_runs", ("task",), ("selection", "settings", "summary"))):  # fmt: skip
        if table in RESULT_TABLES or table == "task_runs":
            out[table] = sum(_redact_column(store, table, key, c, pattern, tokens) for c in columns)
    out["analysis_results"] = out.get("analysis_results", 0) + about
    return out


def _redact_column(store: Store, table: str, key: tuple[str, ...], column: str, pattern: str, tokens: set[str]) -> int:
    con = store.con
    keys = ", ".join(key)
    rows = con.execute(
        f"SELECT {keys}, {column} FROM {table} WHERE {column} IS NOT NULL AND regexp_matches({column}, ?)", [pattern]
    ).fetchall()
    if not rows:
        return 0
    fixed = [(*row[:-1], redact_text(row[-1], tokens)) for row in rows]
    staged = pa.table({name: [r[i] for r in fixed] for i, name in enumerate([*key, "_new"])})
    con.register("_redacted", staged)
    try:
        on = " AND ".join(f"t.{k} = r.{k}" for k in key)
        con.execute(f"UPDATE {table} t SET {column} = r._new FROM _redacted r WHERE {on}")
    finally:
        con.unregister("_redacted")
    return len(rows)


def _redact_list(store: Store, column: str, pattern: str, tokens: set[str]) -> int:
    con = store.con
    rows = con.execute(
        f"""SELECT platform, id, {column} FROM posts
            WHERE len({column}) > 0 AND regexp_matches(array_to_string({column}, ' '), ?)""",
        [pattern],
    ).fetchall()
    if not rows:
        return 0
    staged = pa.table(
        {
            "platform": [r[0] for r in rows],
            "id": [r[1] for r in rows],
            "_new": pa.array([[redact_text(v, tokens) for v in r[2]] for r in rows], pa.list_(pa.string())),
        }
    )
    con.register("_redacted", staged)
    try:
        con.execute(
            f"UPDATE posts t SET {column} = r._new FROM _redacted r WHERE t.platform = r.platform AND t.id = r.id"
        )
    finally:
        con.unregister("_redacted")
    return len(rows)


def redact_text(text: str, tokens: set[str]) -> str:
    """``text`` with each of ``tokens`` that stands as a whole word replaced by ``[forgotten]``.

    >>> redact_text("@h_1 and h_12 and @h_1.", {"h_1"})
    '@[forgotten] and h_12 and @[forgotten].'
    """
    parts = sorted({re.escape(t) for t in tokens if t}, key=len, reverse=True)
    if not parts:
        return text
    return re.sub(f"(?<![{_WORD}])(?:{'|'.join(parts)})(?![{_WORD}])", REDACTED, text)
