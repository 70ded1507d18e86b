"""The embedding cache: round trip, float16 storage, pruning to the current posts, width changes."""

from __future__ import annotations

import numpy as np

from socialens.store.embedding_cache import (
    TABLE,
    as_stored,
    prune_embeddings,
    read_embeddings,
    text_hashes,
    write_embeddings,
)
from tests.conftest import rows


def _vectors(n: int, dim: int = 8) -> np.ndarray:
    x = np.random.default_rng(1).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_read_before_any_write_finds_nothing(store):
    vectors, found = read_embeddings(store, "m", text_hashes(["a", "b"]), 8)
    assert vectors.shape == (2, 8) and not found.any() and not vectors.any()


def test_round_trip_gives_back_what_as_stored_rounds_to(store):
    texts = ["tax cuts", "golf in scotland", "tax cuts", "flight delayed"]
    hashes, vectors = text_hashes(texts), _vectors(4)
    vectors[2] = vectors[0]  # the same text, the same vector
    assert write_embeddings(store, "m", hashes, vectors) == 3  # duplicates stored once
    back, found = read_embeddings(store, "m", text_hashes(["flight delayed", "new", "tax cuts"]), 8)
    assert found.tolist() == [True, False, True]
    assert np.array_equal(back[0], as_stored(vectors)[3]) and np.array_equal(back[2], as_stored(vectors)[0])
    assert np.abs(as_stored(vectors) - vectors).max() < 1e-3
    _, found_other = read_embeddings(store, "another-model", hashes, 8)
    assert not found_other.any()


def test_prune_keeps_only_the_current_posts_and_other_widths_are_ignored(store):
    hashes = text_hashes(["a1", "b2", "c3"])
    write_embeddings(store, "m", hashes, _vectors(3))
    write_embeddings(store, "other", hashes, _vectors(3))
    assert prune_embeddings(store, "m", hashes[:1]) == 2
    assert rows(store, f"SELECT model, count(*) FROM {TABLE} GROUP BY model ORDER BY model") == [("m", 1), ("other", 3)]
    _, found = read_embeddings(store, "m", hashes, 16)  # a different width: treated as not cached
    assert not found.any()
