"""What the task pipeline reads and writes besides the results themselves: run records
(``task_runs``), the posts a post-level task still has to score, and what its plan checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pyarrow as pa

from socialens.store.duckdb_store import Store

_RUN_COLUMNS = (
    "task",
    "run_key",
    "status",
    "settings",
    "selection",
    "model",
    "rows",
    "summary",
    "started_at",
    "finished_at",
)


def start_run(store: Store, task: str, run_key: str, settings: dict[str, Any], selection: dict[str, Any]) -> None:
    """Record that ``task`` started over ``selection`` (replaces the task's previous record)."""
    with store.transaction():
        store.con.execute(
            """INSERT OR REPLACE INTO task_runs (task, run_key, status, settings, selection, started_at)
               VALUES (?, ?, 'running', ?, ?, current_localtimestamp())""",
            [task, run_key, orjson.dumps(settings).decode(), orjson.dumps(selection).decode()],
        )


def finish_run(store: Store, task: str, rows: int, summary: str, model: str | None = None) -> None:
    with store.transaction():
        store.con.execute(
            """UPDATE task_runs SET status = 'done', rows = ?, summary = ?, model = ?,
               finished_at = current_localtimestamp() WHERE task = ?""",
            [rows, summary, model, task],
        )


def read_run(store: Store, task: str) -> dict[str, Any] | None:
    """The latest run record of ``task`` (settings and selection decoded), or None."""
    row = store.one(f"SELECT {', '.join(_RUN_COLUMNS)} FROM task_runs WHERE task = ?", [task])
    if row is None:
        return None
    record = dict(zip(_RUN_COLUMNS, row, strict=True))
    for key in ("settings", "selection"):
        record[key] = orjson.loads(record[key]) if record[key] else {}
    return record


def read_runs(store: Store) -> list[dict[str, Any]]:
    tasks = [t for (t,) in store.con.execute("SELECT task FROM task_runs ORDER BY task").fetchall()]
    return [r for r in (read_run(store, t) for t in tasks) if r is not None]


# -- post-level runs -------------------------------------------------------------------------
def count_posts(store: Store) -> int:
    """Posts in the store (in the open selection, if any)."""
    row = store.one("SELECT count(*) FROM posts")
    return int(row[0]) if row else 0


# Posts without content of their own (``content_state``: a deleted or removed body, a bare
# repost) are not scored: their text is a placeholder or someone else's.
_SCORABLE = "p.content_state IS NULL"
# What a post-level task reads as each post's text: the post's own (``post``), or the text read
# in its pictures (``image_text``: every frame's OCR text in order, the most common OCR language).
# ``changed_at``: a score older than it is stale (the pictures were analysed again since).
_SOURCES = {
    "post": f"(SELECT *, NULL::TIMESTAMP AS changed_at FROM posts p WHERE {_SCORABLE})",
    "image_text": """(SELECT f.platform, m.post AS id, string_agg(f.ocr_text, chr(10) ORDER BY m.position, f.frame_ms)
                        AS text, mode(f.ocr_lang) AS lang, max(f.analysed_at) AS changed_at
                      FROM media_frames f JOIN media m ON m.platform = f.platform AND m.id = f.media_id
                      JOIN posts p ON p.platform = m.platform AND p.id = m.post
                      WHERE f.ocr_text IS NOT NULL AND f.ocr_text <> '' GROUP BY f.platform, m.post)""",
}


def _source(name: str) -> str:
    try:
        return _SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown text source {name!r}; known: {sorted(_SOURCES)}") from None


def count_unscored(store: Store, task: str, run_key: str, source: str = "post") -> int:
    row = store.one(
        f"""SELECT count(*) FROM {_source(source)} p WHERE NOT EXISTS (SELECT 1 FROM post_scores s
           WHERE s.platform = p.platform AND s.post_id = p.id AND s.task = ? AND s.run_key = ?
           AND (p.changed_at IS NULL OR s.scored_at >= p.changed_at))""",
        [task, run_key],
    )
    return int(row[0]) if row else 0


def iter_unscored(
    store: Store, task: str, run_key: str, columns: tuple[str, ...], batch_size: int, source: str = "post"
) -> Iterator[pa.RecordBatch]:
    """The selected posts ``task`` has not scored with ``run_key`` yet, in key order, on a cursor
    of its own so the caller can write each batch's scores before reading the next. ``source``:
    the posts' own text (``post``) or the text in their pictures (``image_text``)."""
    wanted = ", ".join(f"p.{c}" for c in ("platform", "id", *columns))
    cursor = store.cursor()
    yield from cursor.sql(
        f"""SELECT {wanted} FROM {_source(source)} p WHERE NOT EXISTS (SELECT 1 FROM post_scores s
            WHERE s.platform = p.platform AND s.post_id = p.id AND s.task = ? AND s.run_key = ?
           AND (p.changed_at IS NULL OR s.scored_at >= p.changed_at))
            ORDER BY p.platform, p.id""",
        params=[task, run_key],
    ).to_arrow_reader(batch_size)


def label_counts_in_run(store: Store, task: str, run_key: str) -> dict[str | None, int]:
    """Posts per label among the selected posts scored with ``run_key`` (None: no label)."""
    rows = store.con.execute(
        """SELECT s.label, count(*) FROM post_scores s JOIN posts p ON p.platform = s.platform AND p.id = s.post_id
           WHERE s.task = ? AND s.run_key = ? GROUP BY 1 ORDER BY 2 DESC, 1""",
        [task, run_key],
    ).fetchall()
    return {label: int(n) for label, n in rows}


# -- what a plan checks ----------------------------------------------------------------------
def has_output(store: Store, output: str) -> bool:
    """Whether the store holds ``output``, a declared name: ``post_scores.TASK``,
    ``user_scores.TASK``, ``results.TASK``, ``alerts``, ``media_frames`` or a record table."""
    table, _, task = output.partition(".")
    if table in ("post_scores", "user_scores"):
        row = store.one(f"SELECT count(*) FROM {table} WHERE task = ?", [task])
    elif table == "results":
        row = store.one("SELECT count(*) FROM analysis_results WHERE task = ?", [task])
    elif table in _RECORD_TABLES:
        row = store.one(f"SELECT count(*) > 0 FROM {table}")
    else:
        raise ValueError(f"unknown declared output {output!r}")
    return bool(row and row[0])


def read_output(store: Store, output: str) -> pa.Table:
    """The stored rows of a declared output (``post_scores.TASK``, ``user_scores.TASK``, ``results.TASK``)."""
    table, _, task = output.partition(".")
    if table == "post_scores":
        sql = """SELECT platform, post_id, label, score, probabilities, model, scored_at FROM post_scores
                 WHERE task = ? ORDER BY platform, post_id"""
    elif table == "user_scores":
        sql = """SELECT platform, user_id, label, score, details, model, scored_at FROM user_scores
                 WHERE task = ? ORDER BY score DESC NULLS LAST, platform, user_id"""
    elif table == "results":
        sql = "SELECT item, rank, payload, created_at FROM analysis_results WHERE task = ? ORDER BY rank"
    else:
        return store.con.sql(f"SELECT * FROM {_checked_table(table)}").to_arrow_table()
    return store.con.sql(sql, params=[task]).to_arrow_table()


_RECORD_TABLES = ("alerts", "posts", "users", "interactions", "media", "media_frames")


def _checked_table(table: str) -> str:
    if table not in _RECORD_TABLES:
        raise ValueError(f"unknown declared output table {table!r}")
    return table
