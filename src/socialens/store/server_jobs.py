"""The jobs of ``socialens serve`` (table ``server_jobs``, migration 10): what ``GET /runs/{id}``
answers after a restart. Written only through the server's writer connection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from socialens.store.duckdb_store import Store

_COLUMNS = (
    "id", "kind", "params", "status", "stage", "done", "total", "result",
    "error_code", "error_message", "created_at", "started_at", "finished_at",
)  # fmt: skip
_TIMES = ("created_at", "started_at", "finished_at")
_JSON = ("params", "result")
KEEP_ROWS = 5_000  # finished jobs kept in the table; older ones are deleted when a server starts


def save_job(store: Store, record: dict[str, Any]) -> None:
    """Insert or replace one job: ``record`` has the columns, times as epoch seconds, JSON values as Python."""
    row = dict(record)
    for key in _TIMES:
        row[key] = _moment(row.get(key))
    for key in _JSON:
        row[key] = None if row.get(key) is None else orjson.dumps(row[key], default=str).decode()
    store.con.execute(
        f"INSERT OR REPLACE INTO server_jobs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
        [row.get(c) for c in _COLUMNS],
    )


def update_progress(store: Store, job_id: str, stage: str, done: int, total: int | None) -> None:
    store.con.execute(
        "UPDATE server_jobs SET stage = ?, done = ?, total = ? WHERE id = ?", [stage, done, total, job_id]
    )


def mark_interrupted(store: Store, code: str, was_running: str, was_queued: str) -> int:
    """Jobs left ``running`` or ``queued`` by a server that stopped become ``interrupted``, with the
    message for what they were; how many."""
    where = "status IN ('queued', 'running')"
    row = store.one(f"SELECT count(*) FROM server_jobs WHERE {where}")
    store.con.execute(
        "UPDATE server_jobs SET error_code = ?, "
        "error_message = CASE WHEN status = 'running' THEN ? ELSE ? END, status = 'interrupted', "
        f"finished_at = coalesce(finished_at, current_localtimestamp()) WHERE {where}",
        [code, was_running, was_queued],
    )
    return int(row[0]) if row else 0


def forget_old_jobs(store: Store, keep: int = KEEP_ROWS) -> None:
    store.con.execute(
        "DELETE FROM server_jobs WHERE id NOT IN (SELECT id FROM server_jobs ORDER BY created_at DESC LIMIT ?)",
        [keep],
    )


def load_jobs(store: Store, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` jobs, oldest first, as ``save_job`` took them."""
    rows = store.con.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM server_jobs ORDER BY created_at DESC, id LIMIT ?", [limit]
    ).fetchall()
    jobs = []
    for values in reversed(rows):
        row = dict(zip(_COLUMNS, values, strict=True))
        for key in _TIMES:
            row[key] = None if row[key] is None else row[key].replace(tzinfo=UTC).timestamp()
        for key in _JSON:
            row[key] = None if row[key] is None else orjson.loads(row[key])
        jobs.append(row)
    return jobs


def _moment(seconds: float | None) -> datetime | None:
    """The store keeps naive UTC times."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
