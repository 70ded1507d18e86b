from __future__ import annotations

from pathlib import Path

import orjson

from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from tests.conftest import FIXTURES, rows, run_ingest

HERE = FIXTURES / "ingest" / "x-graphql"


def _rejects(summary) -> list[tuple[int, str | None]]:
    path = Path(summary.rejects_path)
    found = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
    return [(r["line"], r["field"]) for r in found if r["run_id"] == summary.run_id]


def test_tweet_detail_maps_thread_quotes_retweets_long_posts_and_authors(store, pseudonymizer):
    assert detect_format(Source(HERE / "valid.json")).format_name == "x-graphql"
    summary = run_ingest(store, HERE / "valid.json")
    assert summary.errors == [] and summary.rejected == 0
    posts = dict(
        (r[0], r[1:]) for r in rows(store, "SELECT id, reply_to, repost_of, quote_of, platform FROM posts ORDER BY id")
    )
    assert set(posts) == {"2001", "2002", "2003", "2004", "2005", "2006"}  # the tombstone is nothing
    assert posts["2002"][:3] == ("2001", None, None)
    assert posts["2003"][:3] == (None, None, "2001") and posts["2004"][:3] == (None, "2003", None)
    assert {p[3] for p in posts.values()} == {"twitter"}  # joins with the API importers' posts
    ((text, urls, media, tags, likes, views, bookmarks),) = rows(
        store,
        "SELECT text, urls, media, hashtags, like_count, impression_count, bookmark_count FROM posts WHERE id='2001'",
    )
    assert "t.co/pic1" not in text and "https://t.co/abc" in text  # the photo's link is the photo
    assert urls == ["https://citybirds.example.org/count"] and media == ["https://pbs.twimg.com/media/A1.jpg"]
    assert tags == ["citybirds"] and (likes, views, bookmarks) == (5, 1234, 3)
    ((long_text, long_tags),) = rows(store, "SELECT text, hashtags FROM posts WHERE id='2006'")
    assert len(long_text) > 400 and long_tags == ["longread"]  # note_tweet's whole text
    users = rows(store, "SELECT id, followers, verified FROM users ORDER BY followers")
    assert users == [
        (pseudonymizer.user("twitter", "1002"), 40, True),  # the old user shape (legacy)
        (pseudonymizer.user("twitter", "1001"), 500, False),  # the 2025 shape (core, relationship_counts)
    ]
    assert rows(store, "SELECT count(*) FROM interactions WHERE kind IN ('reply', 'repost', 'quote')") == [(3,)]


def test_user_timelines_as_json_lines_give_accounts(store, pseudonymizer):
    summary = run_ingest(store, HERE / "followers.jsonl")
    assert summary.files[0].format == "x-graphql" and summary.rejected == 0
    assert sorted(r[0] for r in rows(store, "SELECT handle FROM users")) == sorted(
        [pseudonymizer.handle("twitter", "cy_watch"), pseudonymizer.handle("twitter", "dee")]
    )


def test_malformed_nodes_are_rejected_alone(store):
    summary = run_ingest(store, HERE / "malformed.json", format="x-graphql")
    assert summary.errors == [] and rows(store, "SELECT id FROM posts") == [("3004",)]
    assert _rejects(summary) == [(1, "legacy.full_text"), (2, "rest_id"), (3, "legacy.created_at")]


def test_other_json_is_not_taken_for_graphql(store):
    summary = run_ingest(store, FIXTURES / "ingest" / "twitter-v1" / "valid.jsonl", format="x-graphql")
    assert (
        summary.errors
        and "it looks like twitter-v1" in summary.errors[0]
        and rows(store, "SELECT count(*) FROM posts") == [(0,)]
    )
