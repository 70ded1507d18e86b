"""Media attachments (table ``media``) and what image analysis found in them (``media_frames``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

import pyarrow as pa

from socialens.schema import Media
from socialens.store.duckdb_store import Store

MEDIA_COLUMNS = tuple(f.name for f in fields(Media))
FRAME_COLUMNS = (
    "platform",
    "media_id",
    "frame_ms",
    "post",
    "phash",
    "labels",
    "top_label",
    "top_score",
    "features",
    "ocr_text",
    "ocr_lang",
    "duplicate_cluster",
    "visual_cluster",
    "nsfw",
    "model",
)
_FRAME_TYPES = {
    "frame_ms": pa.int64(),
    "features": pa.list_(pa.float32()),
    "top_score": pa.float64(),
    "nsfw": pa.float64(),
}


def _replace(store: Store, table: str, columns: Sequence[str], data: pa.Table) -> int:
    """Insert or replace rows by key, in one transaction."""
    if data.num_rows == 0:
        return 0
    store.con.register("_media_input", data)
    try:
        with store.transaction():
            names = ", ".join(columns)
            store.con.execute(f"INSERT OR REPLACE INTO {table} ({names}) SELECT {names} FROM _media_input")
    finally:
        store.con.unregister("_media_input")
    return data.num_rows


def write_media(store: Store, records: Iterable[Media]) -> int:
    """Insert or replace Media records (keyed on platform and id)."""
    rows = list(records)
    data = pa.table({name: [getattr(r, name) for r in rows] for name in MEDIA_COLUMNS})
    return _replace(store, "media", MEDIA_COLUMNS, data)


def read_media(store: Store, *, only_stored: bool = False) -> list[Media]:
    """Every Media record in key order (``only_stored``: those with a local copy)."""
    where = "WHERE path IS NOT NULL" if only_stored else ""
    cursor = store.con.execute(f"SELECT {', '.join(MEDIA_COLUMNS)} FROM media {where} ORDER BY platform, id")
    return [Media(**dict(zip(MEDIA_COLUMNS, row, strict=True))) for row in cursor.fetchall()]


def media_counts(store: Store) -> dict[str, int]:
    """Attachments by kind, and how many have a stored copy."""
    rows = store.con.execute("SELECT kind, count(*), count(path) FROM media GROUP BY kind ORDER BY kind").fetchall()
    counts = {f"{kind}": int(n) for kind, n, _ in rows}
    counts["stored"] = sum(int(stored) for _, _, stored in rows)
    return counts


def write_frames(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert or replace analysed frames (one per still image, one per video key frame)."""
    data = pa.table(
        {name: pa.array([r.get(name) for r in rows], type=_FRAME_TYPES.get(name)) for name in FRAME_COLUMNS}
    )
    return _replace(store, "media_frames", FRAME_COLUMNS, data)


def clear_frames(store: Store, media_ids: Sequence[str]) -> None:
    """Forget earlier results for these media (a video re-analysed may yield other key frames)."""
    if not media_ids:
        return
    store.con.register("_clear_ids", pa.table({"id": list(media_ids)}))
    try:
        with store.transaction():
            store.con.execute("DELETE FROM media_frames WHERE media_id IN (SELECT id FROM _clear_ids)")
    finally:
        store.con.unregister("_clear_ids")


def analysed_media_ids(store: Store) -> set[str]:
    return {row[0] for row in store.con.execute("SELECT DISTINCT media_id FROM media_frames").fetchall()}
