"""A :class:`~socialens.pipeline.selection.Selection` as SQL, and the scope that applies it.

Inside ``with scoped(store, selection):`` the connection's ``posts`` and ``interactions`` are
temporary views holding only the selected rows, so every store query (the analyses', the
report's, the graph's) reads the selection without knowing about it; the real tables stay
reachable under their database name, and writes to the result tables are unaffected.

Interactions are selected by time, platform and actor; with a language or a query filter, only
interactions made by a selected post (a reply, repost, quote or mention: same author, platform
and time) remain, since an interaction has no text of its own.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from socialens.store.duckdb_store import Store

if TYPE_CHECKING:
    from socialens.pipeline.selection import Query, Selection

_SCOPED_TABLES = ("posts", "interactions")
# The selection open on each store (read by report views, which record what they cover).
_OPEN: weakref.WeakKeyDictionary[Store, Selection] = weakref.WeakKeyDictionary()


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_literal(v) for v in values) + ")"


def _term_pattern(text: str) -> str:
    """An RE2 pattern for a word or phrase; word boundaries only where the edge is a Latin
    letter or digit (Chinese and Japanese text has no spaces between words)."""
    words = [re.escape(w) for w in text.split()]
    pattern = r"\s+".join(words)
    if re.match(r"\w", text[0], re.ASCII):
        pattern = r"\b" + pattern
    if re.match(r"\w", text[-1], re.ASCII):
        pattern += r"\b"
    return "(?i)" + pattern


def query_sql(query: Query, alias: str = "p") -> str:
    """The query tree as a SQL condition over a posts row ``alias`` (text and hashtags)."""
    kind = query[0]
    if kind == "not":
        return f"NOT coalesce({query_sql(query[1], alias)}, false)"
    if kind in ("and", "or"):
        joined = f" {kind.upper()} ".join(query_sql(q, alias) for q in query[1])
        return f"({joined})"
    text: str = query[1]
    matches_text = f"coalesce(regexp_matches({alias}.text, {_literal(_term_pattern(text))}), false)"
    if kind == "term":
        tag = text.lstrip("#＃")
        if tag:
            return f"({matches_text} OR coalesce(list_contains({alias}.hashtags, {_literal(tag)}), false))"
    return matches_text


def _row_conditions(selection: Selection, alias: str, time_column: str, author_column: str) -> list[str]:
    """The time, platform and author filters as SQL over a row ``alias`` (a post or an interaction)."""
    parts: list[str] = []
    if selection.since:
        parts.append(f"{alias}.{time_column} >= CAST({_literal(_naive(selection.since))} AS TIMESTAMP)")
    if selection.until:
        parts.append(f"{alias}.{time_column} < CAST({_literal(_naive(selection.until))} AS TIMESTAMP)")
    if selection.platform:
        parts.append(f"{alias}.platform IN {_list(selection.platform)}")
    if selection.author:
        parts.append(f"({alias}.platform || ':' || {alias}.{author_column}) IN {_list(selection.author)}")
    return parts


def post_condition(selection: Selection, alias: str = "p") -> str:
    """A SQL condition that keeps the selected posts (``true`` for the whole store)."""
    from socialens.pipeline.selection import parse_query

    parts = _row_conditions(selection, alias, "created_at", "author")
    if selection.lang:
        parts.append(f"{alias}.lang IN {_list(selection.lang)}")
    if selection.query:
        parts.append(query_sql(parse_query(selection.query), alias))
    return " AND ".join(parts) or "true"


def interaction_condition(selection: Selection, posts_source: str, alias: str = "i") -> str:
    """A SQL condition that keeps the selected interactions (see the module text)."""
    parts = _row_conditions(selection, alias, "timestamp", "actor")
    if selection.lang or selection.query:
        parts.append(
            f"EXISTS (SELECT 1 FROM {posts_source} p WHERE p.platform = {alias}.platform "
            f"AND p.author = {alias}.actor AND p.created_at = {alias}.timestamp AND {post_condition(selection)})"
        )
    return " AND ".join(parts) or "true"


def scope_statements(store: Store, selection: Selection) -> list[str]:
    """``CREATE TEMP VIEW`` statements that narrow ``posts`` and ``interactions`` to ``selection``."""
    if selection.is_everything:
        return []
    (database,) = store.one("SELECT current_database()") or ("main",)
    real = {t: f'"{database}".main.{t}' for t in _SCOPED_TABLES}
    return [
        f"CREATE OR REPLACE TEMP VIEW posts AS SELECT * FROM {real['posts']} p WHERE {post_condition(selection)}",
        f"CREATE OR REPLACE TEMP VIEW interactions AS SELECT * FROM {real['interactions']} i "
        f"WHERE {interaction_condition(selection, real['posts'])}",
    ]


@contextmanager
def scoped(store: Store, selection: Selection) -> Iterator[Store]:
    """Within the block the store's ``posts`` and ``interactions`` hold only the selection."""
    statements = scope_statements(store, selection)
    if not statements:
        _OPEN[store] = selection
        try:
            yield store
        finally:
            _OPEN.pop(store, None)
        return
    if store.scope_sql:
        raise RuntimeError("a selection scope is already open on this store")
    for statement in statements:
        store.con.execute(statement)
    store.scope_sql = statements
    _OPEN[store] = selection
    try:
        yield store
    finally:
        _OPEN.pop(store, None)
        store.scope_sql = []
        for table in _SCOPED_TABLES:
            store.con.execute(f"DROP VIEW IF EXISTS temp.main.{table}")


def current_selection(store: Store) -> Selection:
    """The selection open on ``store`` (the whole store when none is)."""
    from socialens.pipeline.selection import Selection

    return _OPEN.get(store) or Selection()


def count_selected(store: Store, selection: Selection) -> int:
    """How many stored posts the selection holds."""
    row = store.one(f"SELECT count(*) FROM posts p WHERE {post_condition(selection)}")
    return int(row[0]) if row else 0


def _naive(iso: str) -> str:
    """Timestamps are stored as naive UTC: an aware ISO time converted to that form."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ")
