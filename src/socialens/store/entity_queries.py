"""Entity mentions found in posts (table ``post_entities``) and the share-of-voice reads over them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from socialens.store.duckdb_store import Store

ENTITY_COLUMNS = ("platform", "post_id", "position", "entity", "key", "kind", "start_char", "end_char",
                  "clause_start", "clause_end", "sentiment", "polarity", "model", "run_key")  # fmt: skip


def replace_post_entities(store: Store, post_keys: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> int:
    """The entity rows of these posts replaced by ``rows`` (posts without entities keep none), in one transaction."""
    if not post_keys:
        return 0
    keys = pa.table({"platform": [p for p, _ in post_keys], "post_id": [i for _, i in post_keys]})
    data = pa.table({c: [r.get(c) for r in rows] for c in ENTITY_COLUMNS}, schema=_SCHEMA)
    store.con.register("_entity_posts", keys)
    store.con.register("_entity_rows", data)
    try:
        with store.transaction():
            store.con.execute(
                "DELETE FROM post_entities WHERE (platform, post_id) IN (SELECT (platform, post_id) FROM _entity_posts)"
            )
            store.con.execute(f"INSERT INTO post_entities ({', '.join(ENTITY_COLUMNS)}) SELECT * FROM _entity_rows")
    finally:
        store.con.unregister("_entity_posts")
        store.con.unregister("_entity_rows")
    return len(rows)


def read_post_entities(store: Store) -> pa.Table:
    """Every stored mention of the selected posts, in post and position order."""
    columns = ", ".join(f"e.{c}" for c in ENTITY_COLUMNS)
    return store.con.sql(
        f"""SELECT {columns} FROM post_entities e JOIN posts p ON p.platform = e.platform AND p.id = e.post_id
            ORDER BY e.platform, e.post_id, e.position"""
    ).to_arrow_table()


def top_entities(store: Store, limit: int = 20, kinds: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The most mentioned entities of the selected posts, with their sentiment counts."""
    where, params = _kinds_filter(kinds)
    cursor = store.con.execute(
        f"""SELECT e.key, mode(e.entity) AS entity, mode(e.kind) AS kind, count(*) AS mentions,
                   count(DISTINCT e.post_id) AS posts,
                   count(*) FILTER (WHERE e.sentiment = 'positive') AS positive,
                   count(*) FILTER (WHERE e.sentiment = 'neutral') AS neutral,
                   count(*) FILTER (WHERE e.sentiment = 'negative') AS negative,
                   avg(e.polarity) AS polarity
            FROM post_entities e JOIN posts p ON p.platform = e.platform AND p.id = e.post_id
            {where} GROUP BY e.key ORDER BY mentions DESC, e.key LIMIT ?""",
        [*params, limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def mentions_over_time(store: Store, keys: Sequence[str], unit: str) -> list[tuple[str, datetime, int, int, int, int]]:
    """Per entity key and period: mentions and their positive, neutral and negative counts."""
    if unit not in ("day", "week", "month", "year"):
        raise ValueError(f"unknown time unit {unit!r}")
    if not keys:
        return []
    rows = store.con.execute(
        """SELECT e.key, date_trunc(?, p.created_at) AS bucket, count(*),
                  count(*) FILTER (WHERE e.sentiment = 'positive'),
                  count(*) FILTER (WHERE e.sentiment = 'neutral'),
                  count(*) FILTER (WHERE e.sentiment = 'negative')
           FROM post_entities e JOIN posts p ON p.platform = e.platform AND p.id = e.post_id
           WHERE e.key IN (SELECT unnest(?)) AND p.created_at IS NOT NULL
           GROUP BY ALL ORDER BY bucket, e.key""",
        [unit, list(keys)],
    ).fetchall()
    return [(str(k), b, int(n), int(pos), int(neu), int(neg)) for k, b, n, pos, neu, neg in rows]


def mention_totals(store: Store, keys: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Per entity key: mentions in the selected posts (timed or not) and their positive, neutral and negative counts."""
    if not keys:
        return []
    rows = store.con.execute(
        """SELECT e.key, count(*), count(*) FILTER (WHERE e.sentiment = 'positive'),
                  count(*) FILTER (WHERE e.sentiment = 'neutral'), count(*) FILTER (WHERE e.sentiment = 'negative')
           FROM post_entities e JOIN posts p ON p.platform = e.platform AND p.id = e.post_id
           WHERE e.key IN (SELECT unnest(?)) GROUP BY e.key ORDER BY e.key""",
        [list(keys)],
    ).fetchall()
    return [(str(k), int(n), int(pos), int(neu), int(neg)) for k, n, pos, neu, neg in rows]


def entity_span(store: Store) -> tuple[Any, Any, int]:
    """First and last time of the selected posts that mention an entity, and how many mentions."""
    row = store.one(
        """SELECT min(p.created_at), max(p.created_at), count(*) FROM post_entities e
           JOIN posts p ON p.platform = e.platform AND p.id = e.post_id"""
    )
    return (row[0], row[1], int(row[2])) if row else (None, None, 0)


def _kinds_filter(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    if not kinds:
        return "", []
    return "WHERE e.kind IN (SELECT unnest(?))", [list(kinds)]


_SCHEMA = pa.schema(
    [
        ("platform", pa.string()), ("post_id", pa.string()), ("position", pa.int32()), ("entity", pa.string()),
        ("key", pa.string()), ("kind", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("clause_start", pa.int32()), ("clause_end", pa.int32()), ("sentiment", pa.string()),
        ("polarity", pa.float64()), ("model", pa.string()), ("run_key", pa.string()),
    ]
)  # fmt: skip
