"""What user-level and corpus-level analyses write back: ``user_scores``, ``analysis_results``, ``alerts``.

``post_scores`` (per post) lives in :mod:`socialens.store.scores`. Payloads are JSON text so
each analysis keeps its own shape (a topic's keywords, a community's summary, an alert's
reason) without a migration per analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from socialens.store.duckdb_store import Store

USER_SCORE_COLUMNS = ("platform", "user_id", "task", "label", "score", "details", "model")
ALERT_COLUMNS = ("id", "kind", "raised_at", "window_start", "window_end", "severity", "summary", "payload")


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, default=str).decode()


def _text(value: Any) -> str | None:
    # The column is text; a community id given as an int is stored as "3", as SQL would cast it.
    return None if value is None else str(value)


def _insert(store: Store, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` in one statement through Arrow (``executemany`` costs ~1 ms a row in DuckDB)."""
    if not rows:
        return
    import pyarrow as pa

    data = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    store.con.register("_results_input", data)
    try:
        store.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _results_input")
    finally:
        store.con.unregister("_results_input")


def write_user_scores(store: Store, task: str, rows: Iterable[Mapping[str, Any]], model: str = "") -> int:
    """Replace a task's per-user scores (one row per user) in one transaction.

    Each row: ``platform``, ``user_id``, optional ``label``, ``score``, ``details`` (any JSON value).
    Users missing from ``rows`` lose their previous score for the task, so a re-run never leaves stale rows.
    """
    values = [
        (r["platform"], r["user_id"], task, _text(r.get("label")), r.get("score"), _json(r.get("details")), model)
        for r in rows
    ]
    with store.transaction():
        store.con.execute("DELETE FROM user_scores WHERE task = ?", [task])
        _insert(store, "user_scores", USER_SCORE_COLUMNS, values)
    return len(values)


def read_user_scores(
    store: Store, task: str, limit: int | None = None, user_id: str | None = None
) -> list[dict[str, Any]]:
    """A task's per-user scores, highest score first; ``details`` decoded."""
    sql = "SELECT platform, user_id, label, score, details, model FROM user_scores WHERE task = ?"
    params: list[Any] = [task]
    if user_id is not None:
        sql += " AND user_id = ?"
        params.append(user_id)
    sql += " ORDER BY score DESC NULLS LAST, platform, user_id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = store.con.execute(sql, params).fetchall()
    return [
        {
            "platform": p,
            "user_id": u,
            "label": label,
            "score": score,
            "details": orjson.loads(details) if details else None,
            "model": model,
        }
        for p, u, label, score, details, model in rows
    ]


def write_results(store: Store, task: str, items: Sequence[tuple[str, Any]], run_id: str = "") -> int:
    """Replace every result of ``task`` with ``items`` (``(item key, JSON-able payload)``, in rank order)."""
    values = [(task, str(key), rank, _json(payload), run_id) for rank, (key, payload) in enumerate(items)]
    with store.transaction():
        store.con.execute("DELETE FROM analysis_results WHERE task = ?", [task])
        _insert(store, "analysis_results", ("task", "item", "rank", "payload", "run_id"), values)
    return len(values)


def read_results(store: Store, task: str, limit: int | None = None) -> list[tuple[str, Any]]:
    """``(item, payload)`` of a task in rank order; empty when the analysis has not run."""
    sql = "SELECT item, payload FROM analysis_results WHERE task = ? ORDER BY rank"
    params: list[Any] = [task]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [(item, orjson.loads(p) if p else None) for item, p in store.con.execute(sql, params).fetchall()]


def write_alerts(store: Store, alerts: Iterable[Mapping[str, Any]]) -> int:
    """Insert alerts; an alert whose ``id`` is already stored is replaced (re-runs stay idempotent).

    Each alert: ``id``, ``kind``, ``raised_at`` and optionally ``window_start``, ``window_end``,
    ``severity``, ``summary``, ``payload`` (any JSON value: the numbers, top posts and terms).
    """
    values = [
        (
            a["id"],
            a["kind"],
            a["raised_at"],
            a.get("window_start"),
            a.get("window_end"),
            a.get("severity"),
            a.get("summary"),
            _json(a.get("payload")),
        )
        for a in alerts
    ]
    if not values:
        return 0
    with store.transaction():
        store.con.executemany(
            f"INSERT OR REPLACE INTO alerts ({', '.join(ALERT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values
        )
    return len(values)


def read_alerts(
    store: Store, kind: str | None = None, since: datetime | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored alerts, newest first."""
    sql = f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE 1 = 1"
    params: list[Any] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    if since is not None:
        sql += " AND raised_at >= ?"
        params.append(since)
    sql += " ORDER BY raised_at DESC, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for row in store.con.execute(sql, params).fetchall():
        alert = dict(zip(ALERT_COLUMNS, row, strict=True))
        alert["payload"] = orjson.loads(alert["payload"]) if alert["payload"] else None
        out.append(alert)
    return out


def read_user_details(store: Store, task: str) -> list[Any]:
    """The ``details`` of a task's per-user scores in key order (platform, user id), decoded."""
    rows = store.con.execute(
        "SELECT details FROM user_scores WHERE task = ? ORDER BY platform, user_id", [task]
    ).fetchall()
    return [orjson.loads(d) if d else None for (d,) in rows]
