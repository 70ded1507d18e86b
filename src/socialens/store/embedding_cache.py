"""Text embeddings kept in the store, keyed by (embedder, hash of the text), so a second topic
run embeds only the posts it has not seen.

The table holds vectors, never texts: a 64-bit BLAKE2b hash of the text stands for it. Vectors
are stored as float16 (half the bytes; a cosine moves by ~1e-3) and :func:`as_stored` rounds
fresh vectors the same way, so a run from the cache sees exactly what the first run saw. It is
derived data, rebuilt at will: :func:`prune_embeddings` keeps only the hashes of the posts a
run just read, so a post deleted or erased from the store leaves no vector behind after the
next run. It is created on first use rather than by a migration: a store that never runs
topics never has it, and dropping it loses nothing but time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from socialens.store.duckdb_store import Store

TABLE = "embedding_cache"
# No primary key: only hashes not yet cached are inserted (read first, then write), and
# reads take the whole model's rows anyway; an index would only slow the inserts down.
_CREATE = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    model VARCHAR NOT NULL, text_hash UBIGINT NOT NULL, vector BLOB NOT NULL)"""


def text_hashes(texts: Sequence[str]) -> np.ndarray:
    """64-bit BLAKE2b of each text's UTF-8 bytes, ``(N,)`` uint64.

    >>> text_hashes(["a", "a", "b"]).tolist()[0] == text_hashes(["a"]).tolist()[0]
    True
    """
    digests = b"".join(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest() for t in texts)
    return np.frombuffer(digests, dtype="<u8").copy()


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` rounded to what the cache stores and gives back (float16, returned as float32)."""
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


def _exists(store: Store) -> bool:
    row = store.one("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TABLE])
    return bool(row and row[0])


def read_embeddings(
    store: Store, model: str, hashes: np.ndarray, dim: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(vectors (N, dim) float32, found (N,) bool)`` for ``hashes``; rows not cached are zeros.

    ``dim`` None takes the width of the cached vectors (0 when nothing is cached); vectors of
    another or mixed width under one key count as not cached.
    """
    found = np.zeros(len(hashes), dtype=bool)
    table = None
    if len(hashes) and _exists(store):
        sql = f"SELECT text_hash, vector FROM {TABLE} WHERE model = ?"
        table = store.con.cursor().sql(sql, params=[model]).to_arrow_table()
    if table is None or table.num_rows == 0:
        return np.zeros((len(hashes), dim or 0), dtype=np.float32), found
    width = dim if dim is not None else len(table.column("vector")[0].as_py()) // 2
    vectors = np.zeros((len(hashes), width), dtype=np.float32)
    cached = np.asarray(table.column("text_hash").to_numpy(), dtype=np.uint64)
    matrix = _blob_matrix(table.column("vector"), width)
    if matrix is None:  # another width under this key: recompute everything
        return vectors, found
    order = np.argsort(cached)
    position = np.minimum(np.searchsorted(cached[order], hashes), len(cached) - 1)
    found = cached[order][position] == hashes
    vectors[found] = matrix[order[position[found]]]
    return vectors, found


def _blob_matrix(column: Any, dim: int) -> np.ndarray | None:
    """The float16 blobs of an Arrow binary column as one ``(rows, dim)`` float32 matrix, read
    from the column's value buffers without making a Python object per row."""
    parts = []
    for chunk in column.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
        if len(chunk) and (np.any(np.diff(offsets) != 2 * dim) or chunk.null_count):
            return None
        values = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        parts.append(values.view("<f2").reshape(len(chunk), dim))
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, dim), dtype=np.float32)


def write_embeddings(store: Store, model: str, hashes: np.ndarray, vectors: np.ndarray) -> int:
    """Add the vectors of ``hashes`` (call with hashes not cached yet); returns the rows written."""
    import pyarrow as pa

    if not len(hashes):
        return 0
    unique, first = np.unique(hashes, return_index=True)
    rows = np.ascontiguousarray(vectors[first], dtype="<f2")  # (N, D) float16
    width = rows.shape[1] * 2
    offsets = np.arange(len(unique) + 1, dtype=np.int32) * width
    # Arrow binary values straight over the numpy buffers: no Python bytes object per row.
    blobs = pa.Array.from_buffers(pa.binary(), len(unique), [None, pa.py_buffer(offsets), pa.py_buffer(rows)])
    data = pa.table({"model": pa.array([model] * len(unique), pa.string()), "text_hash": unique, "vector": blobs})
    with store.transaction() as con:
        con.execute(_CREATE)
        con.register("_new_embeddings", data)
        con.execute(f"INSERT INTO {TABLE} SELECT model, text_hash, vector FROM _new_embeddings").fetchall()
        con.unregister("_new_embeddings")
    return len(unique)


def prune_embeddings(store: Store, model: str, keep: np.ndarray) -> int:
    """Delete ``model``'s vectors whose hash is not in ``keep``; returns the rows deleted."""
    import pyarrow as pa

    if not _exists(store):
        return 0
    wanted = pa.table({"text_hash": pa.array(np.unique(keep), pa.uint64())})
    with store.transaction() as con:
        con.register("_kept_hashes", wanted)
        before = con.execute(f"SELECT count(*) FROM {TABLE} WHERE model = ?", [model]).fetchall()[0][0]
        con.execute(
            f"DELETE FROM {TABLE} WHERE model = ? AND text_hash NOT IN (SELECT text_hash FROM _kept_hashes)", [model]
        ).fetchall()
        after = con.execute(f"SELECT count(*) FROM {TABLE} WHERE model = ?", [model]).fetchall()[0][0]
        con.unregister("_kept_hashes")
    return int(before) - int(after)
