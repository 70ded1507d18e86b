"""The SQL of the k-anonymous export: one row per post without identifiers, and the
generalisation of each quasi-identifier, level by level (``privacy.kanon`` drives it)."""

from __future__ import annotations

from socialens.store.duckdb_store import Store

# Posts with what an analyst needs and nothing that names anyone: no ids, no text, no author,
# no links. The author's standing (followers, following, posts in the store) comes as numbers.
BASE_SQL = """
CREATE OR REPLACE TEMP TABLE _anon_base AS
SELECT p.platform, p.created_at, p.lang, p.community,
       u.followers, u.following, a.posts AS activity,
       p.like_count, p.repost_count, p.reply_count,
       s.label AS sentiment
FROM posts p
LEFT JOIN users u ON u.platform = p.platform AND u.id = p.author
LEFT JOIN (SELECT platform, author, count(*) AS posts FROM posts GROUP BY ALL) a
       ON a.platform = p.platform AND a.author = p.author
LEFT JOIN post_scores s ON s.platform = p.platform AND s.post_id = p.id AND s.task = 'sentiment'
"""

_TIME_LEVELS = (
    "strftime(date_trunc('hour', {c}), '%Y-%m-%d %H:00')",
    "strftime({c}, '%Y-%m-%d')",
    "strftime(date_trunc('week', {c}), '%Y-%m-%d') || ' week'",
    "strftime({c}, '%Y-%m')",
    "strftime({c}, '%Y')",
    "'*'",
)
_FINE = (
    "CASE WHEN {c} < 1 THEN '0' ELSE CAST(CAST(pow(10, floor(log10({c}))) AS BIGINT) AS VARCHAR) || '-' || "
    "CAST(CAST(pow(10, floor(log10({c})) + 1) AS BIGINT) - 1 AS VARCHAR) END"
)
_COARSE = "CASE WHEN {c} < 100 THEN '0-99' WHEN {c} < 10000 THEN '100-9999' ELSE '10000+' END"
_COUNT_LEVELS = (_FINE, _COARSE, "'*'")
_CATEGORY_LEVELS = ("{c}", "'*'")

# Each generalisable column and its levels, finest first; NULL stays "?" at every level but the top.
LEVELS: dict[str, tuple[str, ...]] = {
    "created_at": _TIME_LEVELS,
    "platform": _CATEGORY_LEVELS,
    "lang": _CATEGORY_LEVELS,
    "community": _CATEGORY_LEVELS,
    "followers": _COUNT_LEVELS,
    "following": _COUNT_LEVELS,
    "activity": _COUNT_LEVELS,
    "like_count": _COUNT_LEVELS,
    "repost_count": _COUNT_LEVELS,
    "reply_count": _COUNT_LEVELS,
}
OTHER_COLUMNS = ("sentiment",)


def generalised(column: str, level: int) -> str:
    """SQL for ``column`` at ``level`` of its hierarchy, as text."""
    form = LEVELS[column][level]
    if form == "'*'":
        return form
    return f"coalesce(CAST({form.format(c=column)} AS VARCHAR), '?')"


def build_base(store: Store) -> int:
    store.con.execute(BASE_SQL)
    row = store.one("SELECT count(*) FROM _anon_base")
    return int(row[0]) if row else 0


def distinct_values(store: Store, column: str, level: int) -> int:
    row = store.one(f"SELECT count(DISTINCT {generalised(column, level)}) FROM _anon_base")
    return int(row[0]) if row else 0


def small_groups(store: Store, levels: dict[str, int], k: int) -> tuple[int, int]:
    """(records in groups smaller than ``k``, smallest group) at ``levels``."""
    keys = ", ".join(generalised(c, lvl) for c, lvl in levels.items()) or "1"
    row = store.one(
        f"""SELECT coalesce(sum(n) FILTER (WHERE n < ?), 0), coalesce(min(n), 0)
            FROM (SELECT count(*) AS n FROM _anon_base GROUP BY {keys})""",
        [k],
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


def write_generalised(store: Store, levels: dict[str, int], k: int, target: str) -> int:
    """Write the records of groups of at least ``k`` (quasi-identifiers generalised) as Parquet."""
    quasi = [f"{generalised(c, lvl)} AS {c}" for c, lvl in levels.items()]
    keys = ", ".join(generalised(c, lvl) for c, lvl in levels.items()) or "1"
    others = [c for c in ("platform", *LEVELS, *OTHER_COLUMNS) if c not in levels]
    columns = ", ".join([*quasi, *dict.fromkeys(others)])
    select = f"""SELECT {columns} FROM (SELECT *, count(*) OVER (PARTITION BY {keys}) AS _n FROM _anon_base)
                 WHERE _n >= {int(k)} ORDER BY ALL"""
    store.con.execute(f"COPY ({select}) TO '{target.replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    row = store.one(f"SELECT count(*) FROM ({select})")
    return int(row[0]) if row else 0
