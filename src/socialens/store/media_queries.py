"""Media attachments (table ``media``) and what image analysis found in them (``media_frames``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    "run_key",
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


# Media and frames of the selected posts (``posts`` is the selection's view inside a scope).
_SELECTED_MEDIA = "media m JOIN posts p ON p.platform = m.platform AND p.id = m.post"
_SELECTED_FRAMES = f"media_frames f JOIN {_SELECTED_MEDIA} ON m.platform = f.platform AND m.id = f.media_id"
_UNANALYSED = """NOT EXISTS (SELECT 1 FROM media_frames f WHERE f.platform = m.platform AND f.media_id = m.id
                   AND f.run_key = ?)"""


def count_unanalysed_media(store: Store, run_key: str) -> int:
    """Stored media of the selected posts without frames analysed with ``run_key``."""
    row = store.one(f"SELECT count(*) FROM {_SELECTED_MEDIA} WHERE m.path IS NOT NULL AND {_UNANALYSED}", [run_key])
    return int(row[0]) if row else 0


def iter_unanalysed_media(store: Store, run_key: str, batch_size: int) -> Iterator[list[Media]]:
    """Those media in key order, ``batch_size`` at a time, read on a cursor of their own (the
    caller writes each batch's frames before reading the next)."""
    names = ", ".join(f"m.{c}" for c in MEDIA_COLUMNS)
    cursor = store.cursor()
    reader = cursor.sql(
        f"""SELECT {names} FROM {_SELECTED_MEDIA} WHERE m.path IS NOT NULL AND {_UNANALYSED}
            ORDER BY m.platform, m.id""",
        params=[run_key],
    ).to_arrow_reader(batch_size)
    for batch in reader:
        yield [Media(**row) for row in batch.to_pylist()]


def clear_run_keys(store: Store) -> None:
    """Mark the frames of the selected posts as not analysed (``reanalyse``): kept until replaced."""
    with store.transaction():
        store.con.execute(
            f"""UPDATE media_frames SET run_key = NULL WHERE (platform, media_id) IN
                (SELECT (m.platform, m.id) FROM {_SELECTED_MEDIA})"""
        )


def replace_frames(store: Store, media_ids: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> int:
    """The frames of ``media_ids`` replaced by ``rows``, in one transaction (a video analysed
    again may yield other key frames)."""
    data = pa.table(
        {name: pa.array([r.get(name) for r in rows], type=_FRAME_TYPES.get(name)) for name in FRAME_COLUMNS}
    )
    names = ", ".join(FRAME_COLUMNS)
    store.con.register("_clear_ids", pa.table({"id": pa.array(list(media_ids), pa.string())}))
    store.con.register("_media_input", data)
    try:
        with store.transaction():
            store.con.execute("DELETE FROM media_frames WHERE media_id IN (SELECT id FROM _clear_ids)")
            store.con.execute(f"INSERT OR REPLACE INTO media_frames ({names}) SELECT {names} FROM _media_input")
    finally:
        store.con.unregister("_clear_ids")
        store.con.unregister("_media_input")
    return data.num_rows


def media_counts(store: Store) -> dict[str, int]:
    """Attachments of the selected posts by kind, and how many have a stored copy."""
    rows = store.con.execute(
        f"SELECT m.kind, count(*), count(m.path) FROM {_SELECTED_MEDIA} GROUP BY m.kind ORDER BY m.kind"
    ).fetchall()
    counts = {f"{kind}": int(n) for kind, n, _ in rows}
    counts["stored"] = sum(int(stored) for _, _, stored in rows)
    return counts


def write_frames(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert or replace analysed frames (one per still image, one per video key frame)."""
    data = pa.table(
        {name: pa.array([r.get(name) for r in rows], type=_FRAME_TYPES.get(name)) for name in FRAME_COLUMNS}
    )
    return _replace(store, "media_frames", FRAME_COLUMNS, data)


def read_frame_vectors(store: Store) -> dict[str, list[Any]]:
    """Key, pHash and features of every analysed frame (what the corpus-wide grouping needs)."""
    columns = ("platform", "media_id", "frame_ms", "phash", "features")
    rows = store.con.execute(
        f"SELECT {', '.join(columns)} FROM media_frames ORDER BY platform, media_id, frame_ms"
    ).fetchall()
    return {name: [row[i] for row in rows] for i, name in enumerate(columns)}


def set_frame_groups(store: Store, keys: dict[str, list[Any]], duplicate: list[str | None], visual: list[int]) -> None:
    """Write each frame's near-duplicate group and visual cluster."""
    data = pa.table(
        {
            "platform": keys["platform"],
            "media_id": keys["media_id"],
            "frame_ms": pa.array(keys["frame_ms"], pa.int64()),
            "duplicate_cluster": pa.array(duplicate, pa.string()),
            "visual_cluster": pa.array(visual, pa.int32()),
        }
    )
    store.con.register("_groups_input", data)
    try:
        with store.transaction():
            store.con.execute(
                """UPDATE media_frames f SET duplicate_cluster = g.duplicate_cluster, visual_cluster = g.visual_cluster
                   FROM _groups_input g
                   WHERE f.platform = g.platform AND f.media_id = g.media_id AND f.frame_ms = g.frame_ms"""
            )
    finally:
        store.con.unregister("_groups_input")


def image_texts_by_post(store: Store) -> list[tuple[str, str, str, str | None]]:
    """``(platform, post, text, lang)``: the text read in each selected post's pictures, frames in order."""
    rows = store.con.execute(
        f"""SELECT f.platform, m.post, string_agg(f.ocr_text, '\n' ORDER BY m.position, f.frame_ms),
                  mode(f.ocr_lang)
           FROM {_SELECTED_FRAMES}
           WHERE f.ocr_text IS NOT NULL AND f.ocr_text <> ''
           GROUP BY f.platform, m.post ORDER BY f.platform, m.post"""
    ).fetchall()
    return [(str(p), str(post), str(text), lang) for p, post, text, lang in rows]


def frame_summary(store: Store) -> dict[str, Any]:
    """Counts over the frames of the selected posts, for the report and the JSON output."""
    row = store.con.execute(
        f"""SELECT count(*), count(DISTINCT f.media_id), count(*) FILTER (WHERE m.kind = 'video'),
                  count(*) FILTER (WHERE f.ocr_text IS NOT NULL AND f.ocr_text <> ''), count(f.nsfw),
                  count(*) FILTER (WHERE f.nsfw >= 0.5)
           FROM {_SELECTED_FRAMES}"""
    ).fetchone()
    assert row is not None
    keys = ("frames", "media", "video_frames", "with_text", "nsfw_scored", "nsfw_flagged")
    return dict(zip(keys, (int(x) for x in row), strict=True))


def top_labels(store: Store, limit: int = 15) -> list[tuple[str, int]]:
    rows = store.con.execute(
        f"""SELECT f.top_label, count(*) AS n FROM {_SELECTED_FRAMES} WHERE f.top_label IS NOT NULL
           GROUP BY f.top_label ORDER BY n DESC, f.top_label LIMIT ?""",
        [limit],
    ).fetchall()
    return [(str(label), int(n)) for label, n in rows]


def duplicate_groups(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """The largest near-duplicate groups: how many pictures and posts, the most common label, a text sample."""
    rows = store.con.execute(
        f"""SELECT f.duplicate_cluster, count(*) AS n, count(DISTINCT m.post) AS posts, mode(f.top_label),
                  max(f.ocr_text) FILTER (WHERE f.ocr_text <> ''), min(p.created_at), max(p.created_at)
           FROM {_SELECTED_FRAMES}
           WHERE f.duplicate_cluster IS NOT NULL
           GROUP BY f.duplicate_cluster ORDER BY posts DESC, n DESC, f.duplicate_cluster LIMIT ?""",
        [limit],
    ).fetchall()
    keys = ("group", "pictures", "posts", "label", "text", "first", "last")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def visual_groups(store: Store) -> list[dict[str, Any]]:
    """Each visual cluster's size and its three most common labels."""
    rows = store.con.execute(
        f"""SELECT f.visual_cluster, count(*) AS n, list(f.top_label ORDER BY f.top_label) FROM {_SELECTED_FRAMES}
           WHERE f.visual_cluster IS NOT NULL GROUP BY f.visual_cluster ORDER BY n DESC, f.visual_cluster"""
    ).fetchall()
    out = []
    for cluster, n, labels in rows:
        counts: dict[str, int] = {}
        for label in labels or []:
            if label:
                counts[label] = counts.get(label, 0) + 1
        common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        out.append({"cluster": int(cluster), "frames": int(n), "labels": [k for k, _ in common]})
    return out


def posts_with_text_and_picture(store: Store) -> dict[str, list[Any]]:
    """``platform``, ``post``, ``text`` and ``features`` (first analysed frame) of posts that have both."""
    rows = store.con.execute(
        """SELECT p.platform, p.id, p.text, arg_min(f.features, (m.position, f.frame_ms))
           FROM posts p
           JOIN media m ON m.platform = p.platform AND m.post = p.id
           JOIN media_frames f ON f.platform = m.platform AND f.media_id = m.id
           WHERE p.text IS NOT NULL AND trim(p.text) <> '' AND f.features IS NOT NULL
           GROUP BY p.platform, p.id, p.text ORDER BY p.platform, p.id"""
    ).fetchall()
    columns = ("platform", "post", "text", "features")
    return {name: [row[i] for row in rows] for i, name in enumerate(columns)}


def frame_features_by_post(store: Store) -> dict[str, list[Any]]:
    """``platform``, ``post`` and the list of its frames' features, for posts with analysed pictures."""
    rows = store.con.execute(
        """SELECT f.platform, m.post, list(f.features ORDER BY m.position, f.frame_ms)
           FROM media_frames f JOIN media m ON m.platform = f.platform AND m.id = f.media_id
           WHERE f.features IS NOT NULL GROUP BY f.platform, m.post ORDER BY f.platform, m.post"""
    ).fetchall()
    return {"platform": [r[0] for r in rows], "post": [r[1] for r in rows], "features": [r[2] for r in rows]}
