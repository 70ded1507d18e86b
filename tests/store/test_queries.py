from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from socialens.schema import Interaction, Post, User
from socialens.store import Store, queries


def sample_records() -> dict[type, list]:
    """A small two-platform store: times over three months, entities, counts, a repost, a gap."""

    def at(month: int, day: int) -> datetime:
        return datetime(2021, month, day, 12, 30, tzinfo=UTC)

    def tweet(post_id: str, author: str, when: datetime, text: str, likes: int, **fields: Any) -> Post:
        given = {"lang": "en", **fields}
        return Post(
            id=post_id, platform="twitter", author=author, created_at=when, text=text, like_count=likes, **given
        )

    posts = [
        tweet(
            "1", "u_a", at(1, 4), "Hello #Python @h_bob", 10, repost_count=5, hashtags=["python"], mentions=["h_bob"]
        ),
        tweet("2", "u_a", at(1, 5), "<script>alert(1)</script> #python", 100, repost_count=1, hashtags=["python"] * 2),
        tweet("3", "u_b", at(3, 1), "RT copy", 100, repost_count=1, repost_of="2"),
        tweet(
            "4",
            "u_b",
            at(3, 2),
            "Bonjour #Paris @h_bob @h_cy",
            0,
            lang="fr",
            hashtags=["paris"],
            mentions=["h_bob", "h_cy"],
        ),
        Post(id="r1", platform="reddit", author="u_c", created_at=at(1, 4), text="a comment", lang=None),
        Post(id="r2", platform="reddit", author="u_c", text="no time at all", lang="en"),
    ]
    users = [User(id="u_a", platform="twitter"), User(id="u_b", platform="twitter")]
    interactions = [
        Interaction(actor="u_b", kind="repost", platform="twitter", target_post="2", id="i1"),
        Interaction(actor="u_a", kind="mention", platform="twitter", target_user="h_bob", id="i2"),
        Interaction(actor="u_b", kind="mention", platform="twitter", target_user="h_bob", id="i3"),
    ]
    return {Post: posts, User: users, Interaction: interactions}


def log_ingest(store: Store, read: int, rejected: int, run_id: str = "run1", status: str = "ok") -> None:
    with store.transaction():
        store.log_ingest(
            {
                "run_id": run_id,
                "source": "x.jsonl",
                "format": "jsonl",
                "status": status,
                "read": read,
                "new": read - rejected,
                "rejected": rejected,
            }
        )


@pytest.fixture
def filled(store: Store) -> Store:
    store.write_records(sample_records())
    log_ingest(store, read=7, rejected=1)
    log_ingest(store, read=0, rejected=0, run_id="run2", status="error")
    return store


def test_counts_stats_and_breakdowns(filled):
    # 3 written explicitly + 4 the store derives from the posts (3 mentions, 1 repost)
    assert queries.table_counts(filled) == {"posts": 6, "users": 2, "interactions": 7}
    stats = queries.post_stats(filled)
    assert stats["authors"] == 3 and stats["untimed"] == 1
    assert stats["first"] == datetime(2021, 1, 4, 12, 30) and stats["last"] == datetime(2021, 3, 2, 12, 30)
    assert queries.posts_by_platform(filled) == [("twitter", 4), ("reddit", 2)]
    assert queries.interactions_by_kind(filled) == [("mention", 5), ("repost", 2)]
    assert queries.ingest_stats(filled) == {"runs": 2, "files": 2, "read": 7, "rejected": 1, "failed": 1}


def test_posts_over_time_fills_gaps_per_platform(filled):
    series = queries.posts_over_time(filled, "month")
    assert sorted(series) == ["reddit", "twitter"]
    assert series["twitter"] == [(datetime(2021, 1, 1), 2), (datetime(2021, 2, 1), 0), (datetime(2021, 3, 1), 2)]
    assert [n for _, n in series["reddit"]] == [1, 0, 0]
    weeks = queries.posts_over_time(filled, "week")["twitter"]
    assert weeks[0] == (datetime(2021, 1, 4), 2) and all(
        b - a == weeks[1][0] - weeks[0][0] for (a, _), (b, _) in pairwise(weeks)
    )
    assert sum(n for _, n in queries.posts_over_time(filled, "day")["twitter"]) == 4
    with pytest.raises(ValueError, match="time unit"):
        queries.posts_over_time(filled, "hour; DROP TABLE posts")  # type: ignore[arg-type]


def test_languages_and_entities(filled):
    assert queries.language_counts(filled) == [("en", 4), ("fr", 1), ("und", 1)]
    assert queries.language_counts(filled, limit=1) == [("en", 4)]
    # A tag repeated inside one post counts once.
    assert queries.top_entities(filled, "hashtags") == [("python", 2), ("paris", 1)]
    assert queries.top_entities(filled, "mentions") == [("h_bob", 2), ("h_cy", 1)]
    with pytest.raises(ValueError, match="entity column"):
        queries.top_entities(filled, "text")


def test_most_engaged_leaves_out_reposts_and_uncounted(filled):
    posts = queries.most_engaged_posts(filled, limit=5)
    assert [p["id"] for p in posts] == ["2", "1", "4"]
    assert posts[0]["engagement"] == 101 and posts[0]["created_at"] == datetime(2021, 1, 5, 12, 30)
    assert posts[0]["text"].startswith("<script>")  # queries return raw text; the report escapes it


def test_empty_store_answers_with_zeros_and_empty_lists(store):
    assert queries.table_counts(store) == {"posts": 0, "users": 0, "interactions": 0}
    assert queries.post_stats(store) == {"authors": 0, "first": None, "last": None, "untimed": 0}
    assert queries.ingest_stats(store) == {"runs": 0, "files": 0, "read": 0, "rejected": 0, "failed": 0}
    assert queries.posts_over_time(store, "week") == {}
    assert queries.language_counts(store) == []
    assert queries.top_entities(store, "hashtags") == []
    assert queries.most_engaged_posts(store) == []
