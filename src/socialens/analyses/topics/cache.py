"""Embed posts through the store's embedding cache: only texts not embedded before are embedded.

A pretrained embedder gives a text the same vector in every run, so its vectors are kept in
the store (``socialens.store.embedding_cache``) under the embedder's ``cache_key``; a
corpus-fitted one (TF-IDF + SVD) is never cached. Above ``MAX_CACHED_POSTS`` posts the
cache is skipped and the pipeline embeds batch by batch, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from socialens.analyses.topics.embedders import Embedder
from socialens.progress import NoProgress, Progress
from socialens.store import Store

MAX_CACHED_POSTS = 250_000  # 250k x 256 float32 = 256 MB held at once
BATCH = 10_000


def embed_with_cache(
    store: Store, embedder: Embedder, texts: Sequence[str], progress: Progress | None = None, prune: bool = True
) -> np.ndarray | None:
    """Every text's vector ``(N, D)``, from the cache where present; ``None`` when not cacheable.

    ``prune``: drop cached vectors of texts not in ``texts`` (a run over the whole store: erased
    or replaced posts lose their vectors); a run over a selection keeps the others'.
    """
    from socialens.store.embedding_cache import (
        as_stored,
        prune_embeddings,
        read_embeddings,
        text_hashes,
        write_embeddings,
    )

    if not embedder.pretrained or not texts or len(texts) > MAX_CACHED_POSTS or store.read_only:
        return None
    bar = progress or NoProgress()
    hashes = text_hashes(texts)
    vectors, found = read_embeddings(store, embedder.cache_key, hashes)
    missing = np.flatnonzero(~found)
    if len(missing) and not vectors.shape[1]:  # nothing cached yet: the embedder tells the width
        vectors = np.zeros((len(texts), embedder.embed(["width"]).shape[1]), dtype=np.float32)
    bar.start(f"embedding {len(missing):,} posts ({len(texts) - len(missing):,} cached)", len(missing))
    for start in range(0, len(missing), BATCH):
        rows = missing[start : start + BATCH]
        vectors[rows] = as_stored(embedder.embed([texts[i] for i in rows]))
        # One transaction per batch: DuckDB holds a transaction's new rows in memory until commit.
        write_embeddings(store, embedder.cache_key, hashes[rows], vectors[rows])
        bar.advance(len(rows))
    if prune:
        prune_embeddings(store, embedder.cache_key, hashes)
    return vectors
