from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import zstandard

from socialens.ingest.base import Sample
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from socialens.ingest.reddit import RedditImporter
from socialens.privacy import Pseudonymizer
from socialens.schema import Post, User
from tests.conftest import FIXTURES, TEST_KEY, rows, run_ingest

HERE = FIXTURES / "ingest" / "reddit"
PSEUDO = Pseudonymizer(TEST_KEY)


def _rejects(store) -> list[dict]:
    path = store.path.with_suffix(".rejects.jsonl")
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def _zst(path: Path, data: bytes) -> Path:
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(data))
    return path


def _comment(i: int) -> dict:
    return {
        "id": f"k{i:06d}",
        "name": f"t1_k{i:06d}",
        "link_id": "t3_10abcd1",
        "parent_id": "t3_10abcd1",
        "author": f"user_{i % 97}",
        "author_fullname": f"t2_u{i % 97}",
        "created_utc": 1672574400 + i,
        "body": f"comment number {i} with some filler text to make the dump realistic {i * 7919 % 10007}",
        "subreddit": "learnprogramming",
        "score": i % 13,
    }


@pytest.mark.parametrize("name", ["valid.ndjson", "malformed.ndjson"])
def test_auto_detection_picks_reddit(name):
    assert detect_format(Source(HERE / name)).format_name == "reddit"


def test_auto_detection_reads_zst_and_api_wrappers(tmp_path):
    dump = _zst(tmp_path / "RC_2023-01.zst", (HERE / "valid.ndjson").read_bytes())
    assert detect_format(Source(dump)).format_name == "reddit"
    wrapped = tmp_path / "listing.json"
    wrapped.write_bytes(orjson.dumps({"kind": "Listing", "data": {"children": [{"kind": "t1", "data": _comment(1)}]}}))
    assert detect_format(Source(wrapped)).format_name == "reddit"


def test_sniff_ignores_other_platforms():
    weibo = (FIXTURES / "ingest" / "weibo" / "valid.jsonl").read_bytes()
    tweet = orjson.dumps({"id_str": "1", "text": "hi", "user": {"id_str": "2"}, "created_at": "x"})
    for head in (weibo, tweet, b"", b"not json"):
        assert RedditImporter().sniff(Sample("x.jsonl", head)) == 0.0


def test_valid_dump_maps_submissions_comments_and_users(store):
    summary = run_ingest(store, HERE / "valid.ndjson")
    assert summary.files[0].format == "reddit" and summary.errors == []
    assert summary.rejected == 0
    assert summary.as_dict()["new"] == {"posts": 10, "users": 7, "interactions": 7}

    (post,) = rows(
        store,
        "SELECT author, created_at, title, text, community, like_count, reply_count, urls, mentions "
        "FROM posts WHERE id = '10abcd1'",
    )
    author, created, title, text, community, likes, replies, urls, mentions = post
    assert author == PSEUDO.user("reddit", "TeaAndCode")  # the name, stable across old and new dumps
    assert created.isoformat() == "2023-01-01T12:00:00"
    assert title == "Best way to learn Rust & Python together? 🦀🐍"
    assert community == "learnprogramming" and likes == 42 and replies == 3
    assert urls == ["https://doc.rust-lang.org/book/?lang=en&v=2"]
    # u/name became a pseudonymised @mention; r/subreddit stays as it is
    assert "rustacean_bot" not in text and f"@{PSEUDO.handle('reddit', 'rustacean_bot')}" in text
    assert "/r/learnprogramming" in text and mentions == [PSEUDO.handle("reddit", "rustacean_bot")]


def test_links_deleted_authors_and_old_records(store):
    run_ingest(store, HERE / "valid.ndjson")
    links = dict(rows(store, "SELECT id, coalesce(reply_to, repost_of) FROM posts"))
    assert links["j3k1a01"] == "10abcd1"  # t3_ parent: a top-level comment
    assert links["j3k1b02"] == "j3k1a01"  # t1_ parent: a reply to a comment
    assert links["10abcf2"] == "10abce9"  # crosspost_parent
    assert links["c0abc12"] == "6abcd"
    (deleted,) = rows(store, "SELECT author, text, created_at, like_count FROM posts WHERE id = '6abcd'")
    assert deleted[0] is None and deleted[1] == "[deleted]"
    assert deleted[2].isoformat() == "2008-01-01T00:00:00" and deleted[3] == 5  # string time and score
    assert rows(store, "SELECT author FROM posts WHERE id = 'j3k1c03'") == [(None,)]
    # dumps without author_fullname give the same pseudonym
    assert rows(store, "SELECT author FROM posts WHERE id = '6abce'") == [(PSEUDO.user("reddit", "spez"),)]
    (media,) = rows(store, "SELECT media, repost_count FROM posts WHERE id = '10abce9'")
    assert media == (["https://i.redd.it/8x2kq4abc9za1.jpg"], 1)
    handles = {h for (h,) in rows(store, "SELECT handle FROM users")}
    assert PSEUDO.handle("reddit", "TeaAndCode") in handles and "TeaAndCode" not in handles
    kinds = rows(store, "SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY kind")
    assert kinds == [("mention", 2), ("reply", 4), ("repost", 1)]


def test_ingesting_twice_changes_nothing(store):
    run_ingest(store, HERE / "valid.ndjson")
    again = run_ingest(store, HERE / "valid.ndjson").as_dict()
    assert again["new"] == {"posts": 0, "users": 0, "interactions": 0}
    assert again["updated"] == {"posts": 0, "users": 0, "interactions": 0}


def test_malformed_lines_become_rejects_and_the_rest_lands(store):
    summary = run_ingest(store, HERE / "malformed.ndjson")
    assert summary.rejected == 7 and summary.errors == []
    found = {r["line"]: r["field"] for r in _rejects(store)}
    assert found == {2: None, 3: "id", 4: "score", 5: "created_utc", 6: "title", 7: None, 9: "parent_id"}
    assert all(r["source"].endswith("malformed.ndjson") and r["reason"] for r in _rejects(store))
    assert sorted(i for (i,) in rows(store, "SELECT id FROM posts")) == ["10zzzz2", "j4a0001", "j4a0010"]


def test_empty_file_yields_nothing_and_no_error(store, tmp_path):
    empty = tmp_path / "RS_2023-02.ndjson"
    empty.write_bytes(b"")
    summary = run_ingest(store, empty, format="reddit")
    assert summary.errors == [] and summary.read == 0
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_zst_dump_imports_like_the_plain_file(store, tmp_path):
    dump = _zst(tmp_path / "RS_2023-01.zst", (HERE / "valid.ndjson").read_bytes())
    summary = run_ingest(store, dump)
    assert summary.files[0].format == "reddit" and summary.errors == [] and summary.rejected == 0
    assert rows(store, "SELECT count(*) FROM posts") == [(10,)]


def test_truncated_zst_keeps_what_was_read_and_reports_the_file(store, tmp_path):
    data = b"".join(orjson.dumps(_comment(i)) + b"\n" for i in range(4000))
    compressed = zstandard.ZstdCompressor(level=3).compress(data)
    dump = tmp_path / "RC_2023-01.zst"
    dump.write_bytes(compressed[: len(compressed) // 2])
    summary = run_ingest(store, dump, format="reddit")
    (error,) = summary.errors
    assert str(dump) in error and "truncated" in error
    (landed,) = rows(store, "SELECT count(*) FROM posts")[0]
    assert 0 < landed < 4000
    ids = sorted(i for (i,) in rows(store, "SELECT id FROM posts"))
    assert ids == [f"k{i:06d}" for i in range(landed)]  # everything before the cut, in order


def test_api_listing_pages_are_unwrapped(store, tmp_path):
    submission = {"id": "10abcd1", "name": "t3_10abcd1", "author": "a", "created_utc": 1672574400.0,
                  "title": "t", "selftext": "", "subreddit": "x", "is_self": True}  # fmt: skip
    page = [
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": submission}]}},
        {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": _comment(1)}, {"kind": "more", "data": {}}]}},
    ]
    path = tmp_path / "thread.json"
    path.write_bytes(orjson.dumps(page))
    summary = run_ingest(store, path)
    assert summary.rejected == 0 and summary.files[0].format == "reddit"
    assert rows(store, "SELECT id, reply_to FROM posts ORDER BY id") == [("10abcd1", None), ("k000001", "10abcd1")]


def test_map_item_emits_raw_identifiers():
    records = RedditImporter().map_item({**_comment(5), "body": "cc /u/Some-One and u/x_y_z please"})
    post, user = sorted(records, key=lambda r: type(r).__name__)
    assert isinstance(post, Post) and isinstance(user, User)
    assert post.author == "user_5" and user.id == "user_5" and user.handle == "user_5"
    assert post.reply_to == "10abcd1" and post.text == "cc @Some-One and @x_y_z please"


def test_parallel_workers_give_the_same_result(store):
    summary = run_ingest(store, HERE / "valid.ndjson", HERE / "malformed.ndjson", workers=2)
    assert summary.errors == [] and summary.rejected == 7
    assert rows(store, "SELECT count(*) FROM posts") == [(13,)]


def test_no_raw_handle_is_left_in_titles(store, tmp_path):
    submission = {"id": "10t1tle", "author": "a", "created_utc": 1672574400, "subreddit": "x", "is_self": True,
                  "title": "Huge thanks to u/helpful_dev for the guide", "selftext": ""}  # fmt: skip
    path = tmp_path / "RS_title.ndjson"
    path.write_bytes(orjson.dumps(submission) + b"\n")
    run_ingest(store, path)
    (title,) = rows(store, "SELECT title FROM posts")[0]
    assert "helpful_dev" not in title and f"@{PSEUDO.handle('reddit', 'helpful_dev')}" in title
