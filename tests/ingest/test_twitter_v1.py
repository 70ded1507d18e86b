from __future__ import annotations

from pathlib import Path

import orjson

from tests.conftest import rows, run_ingest


def _write(path: Path, items: list[object], tail: bytes = b"") -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(i) for i in items) + b"\n" + tail)
    return path


def test_statuses_with_retweet_map_to_posts_users_and_edges(store, tmp_path):
    status = {
        "id_str": "1",
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "text": "Hello @bob #Yay https://t.co/x",
        "favorite_count": 5,
        "retweet_count": 2,
        "user": {"id_str": "9", "screen_name": "Al", "name": "Al X", "followers_count": 3},
        "entities": {
            "hashtags": [{"text": "Yay"}],
            "user_mentions": [{"screen_name": "bob"}],
            "urls": [{"url": "https://t.co/x", "expanded_url": "https://example.com/a"}],
        },
    }
    retweet = {
        "id_str": "2",
        "created_at": "Wed Oct 10 20:19:25 +0000 2018",
        "text": "RT @Al: Hello",
        "user": {"id_str": "7", "screen_name": "cy"},
        "retweeted_status": status,
    }
    path = _write(tmp_path / "tweets.jsonl", [status, retweet], b"{not json\n")
    summary = run_ingest(store, path)
    assert summary.files[0].format == "twitter-v1"
    assert summary.rejected == 1
    assert summary.as_dict()["new"] == {"posts": 2, "users": 2, "interactions": 3}
    ((text, tags, likes, created),) = rows(
        store, "SELECT text, hashtags, like_count, created_at FROM posts WHERE id='1'"
    )
    assert tags == ["yay"] and likes == 5 and created.isoformat() == "2018-10-10T20:19:24"
    assert "@bob" not in text and "@h_" in text
    assert rows(store, "SELECT kind, target_post FROM interactions WHERE kind='repost'") == [("repost", "1")]
    again = run_ingest(store, path)
    assert again.as_dict()["new"] == {"posts": 0, "users": 0, "interactions": 0}
    assert again.as_dict()["updated"]["posts"] == 0
