"""The SQL behind user profiles, segments and suspicious-account features.

An account's *activity* is its posts plus the interactions it made that posts do not already
imply (likes, follows, clicks, views, ratings): replies, reposts, quotes and mentions are
derived from posts by the store, so counting them again would double every reply.
Every function returns plain rows keyed by ``(platform, user_id)``; the analyses assemble them.
"""

from __future__ import annotations

from typing import Any

from socialens.store.duckdb_store import Store

_EVENTS = """
    SELECT platform, author AS user_id, created_at AS ts FROM posts
    WHERE author IS NOT NULL AND created_at IS NOT NULL
    UNION ALL
    SELECT platform, actor, timestamp FROM interactions
    WHERE timestamp IS NOT NULL AND kind NOT IN ('reply', 'repost', 'quote', 'mention')
"""

# Directed user -> user edges: the target user, else the author of the target post; no self-loops.
_EDGES = """
    SELECT i.platform, i.actor AS src, coalesce(i.target_user, p.author) AS dst, i.kind
    FROM interactions i LEFT JOIN posts p ON p.platform = i.platform AND p.id = i.target_post
    WHERE coalesce(i.target_user, p.author) IS NOT NULL AND coalesce(i.target_user, p.author) <> i.actor
"""

# The same edges with their kind and time, a mentioned handle resolved to the account that has it
# (as the graph analyses resolve it: ``graph_queries``), else the handle stands for the account.
_TIMED_EDGES = """
    SELECT * FROM (
        SELECT i.platform, i.actor AS src, i.kind, i.timestamp AS ts,
               CASE WHEN i.kind = 'mention' THEN coalesce(h.id, i.target_user)
                    ELSE coalesce(i.target_user, p.author) END AS dst
        FROM interactions i
        LEFT JOIN posts p ON i.target_user IS NULL AND p.platform = i.platform AND p.id = i.target_post
        LEFT JOIN (SELECT platform, handle, min(id) AS id FROM users WHERE handle IS NOT NULL GROUP BY ALL) h
               ON i.kind = 'mention' AND h.platform = i.platform AND h.handle = i.target_user
    ) WHERE dst IS NOT NULL AND dst <> src
"""


def _rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return store.con.execute(sql, params or []).fetchall()


def accounts(store: Store) -> list[tuple[Any, ...]]:
    """(platform, user_id, posts, events, first_seen, last_seen, created_at, followers, following, handle)
    of every account that has a ``users`` row or any activity, in key order."""
    return _rows(
        store,
        f"""WITH events AS ({_EVENTS}),
            act AS (SELECT platform, user_id, count(*) AS n, min(ts) AS first_seen, max(ts) AS last_seen
                    FROM events GROUP BY ALL),
            posted AS (SELECT platform, author AS user_id, count(*) AS n FROM posts
                       WHERE author IS NOT NULL GROUP BY ALL),
            ids AS (SELECT platform, user_id FROM act UNION SELECT platform, user_id FROM posted
                    UNION SELECT platform, id FROM users)
            SELECT ids.platform, ids.user_id, coalesce(posted.n, 0), coalesce(act.n, 0), act.first_seen,
                   act.last_seen, u.created_at, u.followers, u.following, u.handle
            FROM ids LEFT JOIN act USING (platform, user_id) LEFT JOIN posted USING (platform, user_id)
            LEFT JOIN users u ON u.platform = ids.platform AND u.id = ids.user_id
            ORDER BY ids.platform, ids.user_id""",
    )


def activity_hours(store: Store, user_id: str | None = None) -> list[tuple[Any, ...]]:
    """(platform, user_id, hour 0-23, ISO weekday 1-7, events) in UTC."""
    where, params = ("WHERE user_id = ?", [user_id]) if user_id is not None else ("", [])
    return _rows(
        store,
        f"""SELECT platform, user_id, hour(ts), isodow(ts), count(*) FROM ({_EVENTS}) {where}
            GROUP BY ALL ORDER BY ALL""",
        params,
    )


def _by_author(store: Store, select: str, where: str, user_id: str | None, limit: int) -> list[tuple[Any, ...]]:
    """(platform, author, key, n) counts, the ``limit`` most frequent keys per author."""
    params: list[Any] = []
    if user_id is not None:
        where += " AND p.author = ?"
        params.append(user_id)
    params.append(limit)
    return _rows(
        store,
        f"""WITH c AS (SELECT p.platform, p.author, {select} AS key, count(*) AS n
                       FROM posts p {where} AND p.author IS NOT NULL GROUP BY ALL)
            SELECT platform, author, key, n FROM (
                SELECT *, row_number() OVER (PARTITION BY platform, author ORDER BY n DESC, key) AS r FROM c)
            WHERE r <= ? ORDER BY platform, author, n DESC, key""",
        params,
    )


def languages(store: Store, user_id: str | None = None, limit: int = 5) -> list[tuple[Any, ...]]:
    return _by_author(store, "coalesce(p.lang, 'und')", "WHERE TRUE", user_id, limit)


def hashtags(store: Store, user_id: str | None = None, limit: int = 10) -> list[tuple[Any, ...]]:
    return _by_author(store, "lower(tag)", ", unnest(p.hashtags) AS t(tag) WHERE len(p.hashtags) > 0", user_id, limit)


def topics(store: Store, user_id: str | None = None, limit: int = 10) -> list[tuple[Any, ...]]:
    """Topic ids (post_scores task 'topic', outliers '-1' left out) per author."""
    return _by_author(
        store,
        "s.label",
        """JOIN post_scores s ON s.platform = p.platform AND s.post_id = p.id
           WHERE s.task = 'topic' AND s.label IS NOT NULL AND s.label <> '-1'""",
        user_id,
        limit,
    )


def sentiment(store: Store, user_id: str | None = None) -> list[tuple[Any, ...]]:
    """(platform, author, label, posts, mean score) from post_scores task 'sentiment'."""
    where, params = ("AND p.author = ?", [user_id]) if user_id is not None else ("", [])
    return _rows(
        store,
        f"""SELECT p.platform, p.author, s.label, count(*), avg(s.score)
            FROM posts p JOIN post_scores s ON s.platform = p.platform AND s.post_id = p.id
            WHERE s.task = 'sentiment' AND s.label IS NOT NULL AND p.author IS NOT NULL {where}
            GROUP BY ALL ORDER BY ALL""",
        params,
    )


def texts(store: Store, user_id: str | None = None, per_user: int = 200) -> list[tuple[Any, ...]]:
    """(platform, author, text, lang) of each author's latest ``per_user`` posts (for top terms)."""
    where, params = ("AND author = ?", [user_id]) if user_id is not None else ("", [])
    return _rows(
        store,
        f"""SELECT platform, author, text, lang FROM (
                SELECT platform, author, text, lang, row_number() OVER (
                    PARTITION BY platform, author ORDER BY created_at DESC NULLS LAST, id) AS r
                FROM posts WHERE author IS NOT NULL AND text IS NOT NULL AND text <> '' {where})
            WHERE r <= ? ORDER BY platform, author, r""",
        [*params, per_user],
    )


def interval_stats(store: Store, tolerance: float = 0.1) -> list[tuple[Any, ...]]:
    """(platform, user_id, gap pairs, regular pairs) over consecutive activity events.

    A pair of consecutive gaps is regular when both exceed a second and differ by at most
    ``tolerance`` (relative): a scheduler's gaps repeat, a person's hardly ever do. Pairs, not
    the spread of all gaps, so a bot that also joins a few bursts still shows its clockwork.
    """
    return _rows(
        store,
        f"""WITH g AS (SELECT platform, user_id, ts,
                epoch(ts) - epoch(lag(ts) OVER (PARTITION BY platform, user_id ORDER BY ts)) AS gap
                FROM ({_EVENTS})),
            p AS (SELECT platform, user_id, gap,
                  lag(gap) OVER (PARTITION BY platform, user_id ORDER BY ts) AS prev FROM g)
            SELECT platform, user_id, count(*),
                   count(*) FILTER (WHERE gap > 1 AND prev > 1 AND abs(gap - prev) <= ? * greatest(gap, prev))
            FROM p WHERE gap IS NOT NULL AND prev IS NOT NULL GROUP BY ALL ORDER BY ALL""",
        [tolerance],
    )


def duplicate_stats(store: Store) -> list[tuple[Any, ...]]:
    """(platform, author, posts with text, distinct texts, posts whose text another author also posted).

    Texts are compared lower-cased with runs of white space folded."""
    return _rows(
        store,
        """WITH t AS (SELECT platform, author, lower(trim(regexp_replace(text, '\\s+', ' ', 'g'))) AS norm
                      FROM posts WHERE author IS NOT NULL AND text IS NOT NULL AND trim(text) <> ''),
            shared AS (SELECT platform, norm FROM t GROUP BY ALL HAVING count(DISTINCT author) > 1)
           SELECT t.platform, t.author, count(*), count(DISTINCT t.norm), count(s.norm)
           FROM t LEFT JOIN shared s USING (platform, norm) GROUP BY ALL ORDER BY ALL""",
    )


def burst_stats(store: Store, sigmas: float = 3.0, min_users: int = 3) -> list[tuple[Any, ...]]:
    """(platform, user_id, events, events in burst hours).

    A burst hour has more distinct active accounts than the mean plus ``sigmas`` standard
    deviations over the active hours (and at least ``min_users``): distinct accounts, not events,
    so one person's long session is not a burst, while many accounts acting together is.
    """
    return _rows(
        store,
        f"""WITH e AS (SELECT platform, user_id, date_trunc('hour', ts) AS h FROM ({_EVENTS})),
            hours AS (SELECT platform, h, count(DISTINCT user_id) AS users FROM e GROUP BY ALL),
            cut AS (SELECT platform, avg(users) + ? * coalesce(stddev_pop(users), 0) AS cut FROM hours GROUP BY ALL),
            burst AS (SELECT h.platform, h.h FROM hours h JOIN cut c USING (platform)
                      WHERE h.users > c.cut AND h.users >= ?)
            SELECT e.platform, e.user_id, count(*), count(b.h)
            FROM e LEFT JOIN burst b ON b.platform = e.platform AND b.h = e.h GROUP BY ALL ORDER BY ALL""",
        [sigmas, min_users],
    )


def follow_counts(store: Store) -> list[tuple[Any, ...]]:
    """(platform, user_id, following, followers) counted from stored 'follow' interactions."""
    return _rows(
        store,
        """WITH f AS (SELECT platform, actor, target_user FROM interactions
                      WHERE kind = 'follow' AND target_user IS NOT NULL AND target_user <> actor)
           SELECT platform, user_id, sum(out_n)::BIGINT, sum(in_n)::BIGINT FROM (
               SELECT platform, actor AS user_id, count(DISTINCT target_user) AS out_n, 0 AS in_n FROM f GROUP BY ALL
               UNION ALL
               SELECT platform, target_user, 0, count(DISTINCT actor) FROM f GROUP BY ALL)
           GROUP BY ALL ORDER BY ALL""",
    )


def reciprocity_stats(store: Store) -> list[tuple[Any, ...]]:
    """(platform, user_id, accounts it interacted with, of those how many interacted back)."""
    return _rows(
        store,
        f"""WITH e AS (SELECT DISTINCT platform, src, dst FROM ({_EDGES}))
            SELECT a.platform, a.src, count(*), count(b.src)
            FROM e a LEFT JOIN e b ON b.platform = a.platform AND b.src = a.dst AND b.dst = a.src
            GROUP BY ALL ORDER BY ALL""",
    )


def user_edges(store: Store) -> list[tuple[Any, ...]]:
    """(platform, src, dst, interactions) of the directed user graph, every kind together."""
    return _rows(store, f"SELECT platform, src, dst, count(*) FROM ({_EDGES}) GROUP BY ALL ORDER BY ALL")


def find_accounts(store: Store, names: list[str]) -> list[tuple[str, str, bool]]:
    """(platform, user_id, active) of accounts whose stored id or handle is one of ``names``;
    ``active``: the account has a user row, posts or actions of its own (not only others'
    mentions of it). A mention target is stored as the handle; where a user row has that
    handle, the account is that user."""
    if not names:
        return []
    return [
        (str(p), str(u), bool(active))
        for p, u, active in _rows(
            store,
            """WITH hits AS (
                   SELECT platform, id, true AS active FROM users
                   WHERE id IN (SELECT unnest(?)) OR handle IN (SELECT unnest(?))
                   UNION SELECT platform, author, true FROM posts WHERE author IN (SELECT unnest(?))
                   UNION SELECT platform, actor, true FROM interactions WHERE actor IN (SELECT unnest(?))
                   UNION SELECT platform, target_user, false FROM interactions WHERE target_user IN (SELECT unnest(?)))
               SELECT h.platform, coalesce(u.id, h.id) AS account, bool_or(h.active OR u.id IS NOT NULL)
               FROM hits h LEFT JOIN users u ON u.platform = h.platform AND u.handle = h.id
               GROUP BY ALL ORDER BY ALL""",
            [names, names, names, names, names],
        )
    ]


def addressed(store: Store, platform: str, user_id: str) -> dict[str, Any]:
    """How others reached one account: interactions per kind, distinct accounts, first and last time
    (for accounts known only because others mention, reply to or repost them)."""
    edges = f"SELECT src, kind, ts FROM ({_TIMED_EDGES}) WHERE platform = ? AND dst = ?"
    kinds = _rows(store, f"SELECT kind, count(*) FROM ({edges}) GROUP BY kind ORDER BY 2 DESC, 1", [platform, user_id])
    ((accounts, first, last),) = _rows(
        store, f"SELECT count(DISTINCT src), min(ts), max(ts) FROM ({edges})", [platform, user_id]
    )
    return {"by_kind": {str(k): int(n) for k, n in kinds}, "accounts": int(accounts), "first": first, "last": last}


def graph_shape(store: Store) -> dict[str, Any]:
    """The account graph in a few numbers: accounts, ties (distinct pairs, directions dropped) and the
    share of ties that touch the best-connected account and the best-connected two."""
    ((accounts, ties, top1, top2),) = _rows(
        store,
        f"""WITH pairs AS (SELECT DISTINCT platform, least(src, dst) AS a, greatest(src, dst) AS b
                       FROM ({_TIMED_EDGES}) WHERE kind IN ('reply', 'mention', 'repost', 'quote')),
                ends AS (SELECT platform, a AS user_id FROM pairs UNION ALL SELECT platform, b FROM pairs),
                degree AS (SELECT platform, user_id, count(*) AS n FROM ends GROUP BY ALL),
                hubs AS (SELECT platform, user_id, row_number() OVER (ORDER BY n DESC, user_id) AS r FROM degree)
            SELECT (SELECT count(*) FROM degree), (SELECT count(*) FROM pairs),
                   (SELECT count(*) FROM pairs p WHERE EXISTS (SELECT 1 FROM hubs h WHERE h.r = 1
                        AND h.platform = p.platform AND h.user_id IN (p.a, p.b))),
                   (SELECT count(*) FROM pairs p WHERE EXISTS (SELECT 1 FROM hubs h WHERE h.r <= 2
                        AND h.platform = p.platform AND h.user_id IN (p.a, p.b)))""",
    )
    ties = int(ties)
    return {
        "accounts": int(accounts),
        "ties": ties,
        "top1_share": round(top1 / ties, 4) if ties else 0.0,
        "top2_share": round(top2 / ties, 4) if ties else 0.0,
    }


def platforms(store: Store) -> list[str]:
    return [str(p) for (p,) in _rows(store, "SELECT DISTINCT platform FROM posts UNION SELECT platform FROM users")]
