"""Reads behind recommendations."""

from __future__ import annotations

from datetime import datetime

from socialens.schema import Post
from socialens.store import Store
from socialens.store.behaviour_queries import read_recent_posts


def test_recent_post_candidates_take_turns_between_authors(store: Store):
    prolific = [
        Post(id=f"a{i}", platform="x", author="u_a", text=f"post {i}", created_at=datetime(2020, 1, 10, i))
        for i in range(5)
    ]
    quiet = Post(id="b0", platform="x", author="u_b", text="older", created_at=datetime(2019, 1, 1))
    undated = Post(id="c0", platform="x", text="no author, no time")
    store.write_records({Post: [*prolific, quiet, undated]})
    assert [i for i, _ in read_recent_posts(store, 3)] == ["a4", "b0", "c0"]
    assert [i for i, _ in read_recent_posts(store, 5)][3:] == ["a3", "a2"]
