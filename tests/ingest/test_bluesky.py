from __future__ import annotations

import gzip
import pickle
from datetime import datetime

import orjson
import pytest

from socialens.errors import RecordError
from socialens.ingest.bluesky import BlueskyImporter
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.readers import Reject, Source
from socialens.privacy import Pseudonymizer
from socialens.schema import Interaction, Post, User
from tests.conftest import FIXTURES, TEST_KEY, rows, run_ingest

BSKY = FIXTURES / "ingest" / "bluesky"
PSEUDO = Pseudonymizer(TEST_KEY)
ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB = "did:plc:z72i7hdynmk6r22z27h6tvur"
CAROL = "did:plc:vwzwgnygau7ed7b7wt5ux7y2"
DAVE = "did:plc:oky5czdrnfjpqslsw2a5iclo"
ALICE_POST = f"at://{ALICE}/app.bsky.feed.post/3l3qo2vutsw2b"


def _at(did: str, rkey: str) -> str:
    """A post's at:// URI as the edge stores it (the edge may pseudonymise the DID inside)."""
    probe = Post(id=f"at://{did}/app.bsky.feed.post/{rkey}", platform="bluesky")
    return EdgeProcessor(PSEUDO, detect_lang=False).post(probe).id


STORED_ALICE_POST = _at(ALICE, "3l3qo2vutsw2b")


def _post(store, post_id: str) -> dict:
    columns = "author, created_at, text, lang, reply_to, quote_of, hashtags, mentions, urls, media, like_count"
    (row,) = rows(store, f"SELECT {columns} FROM posts WHERE id = ?", [post_id])
    return dict(zip([c.strip() for c in columns.split(",")], row, strict=True))


def _user(did: str) -> str:
    return str(PSEUDO.user("bluesky", did))


def test_jetstream_posts_and_interactions_link_by_at_uri(store):
    summary = run_ingest(store, BSKY / "valid.jsonl")
    assert summary.files[0].format == "bluesky" and summary.rejected == 0 and not summary.errors
    assert summary.as_dict()["new"] == {"posts": 5, "users": 1, "interactions": 7}
    first = _post(store, STORED_ALICE_POST)
    assert first["author"] == _user(ALICE) and first["created_at"] == datetime(2024, 9, 9, 19, 46, 2, 102000)
    assert first["hashtags"] == ["atproto"] and first["lang"] == "en"
    assert first["mentions"] == [PSEUDO.handle("bluesky", "bob.bsky.social")]
    assert first["urls"] == ["https://example.com/a-long-article-about-federation"]  # the facet, not the shown text
    assert "@bob.bsky.social" not in first["text"] and "☀️" in first["text"]
    reply = _post(store, _at(BOB, "3l3qo5kzeb22k"))
    assert reply["reply_to"] == STORED_ALICE_POST and reply["lang"] == "ja"
    assert reply["created_at"] == datetime(2024, 9, 9, 10, 47, 15, 530000)  # +09:00 stored as UTC
    quote = _post(store, _at(CAROL, "3l3qoa6yrqc2f"))
    assert quote["quote_of"] == STORED_ALICE_POST and quote["lang"] == "pt" and quote["hashtags"] == ["bluesky"]
    carol = PSEUDO.user("bluesky", CAROL)  # the CDN path names the author: pseudonymised (issue 18)
    assert quote["media"] and quote["media"][0].startswith(f"https://cdn.bsky.app/img/feed_fullsize/plain/{carol}/")
    no_time = _post(store, _at(DAVE, "3l3qoe2aaaa2c"))
    assert no_time["created_at"] == datetime(2024, 9, 9, 19, 51)  # no createdAt: the relay's time_us
    assert no_time["urls"] == ["https://atproto.com/guides/overview"]
    assert _post(store, _at(CAROL, "3l3qog7bbbb2d"))["quote_of"] is None  # a feed, not a post
    edges = rows(
        store, "SELECT kind, actor, target_post, target_user FROM interactions WHERE kind IN ('like','repost')"
    )
    assert sorted(edges) == [
        ("like", _user(BOB), STORED_ALICE_POST, None),
        ("repost", _user(CAROL), STORED_ALICE_POST, None),
    ]
    assert rows(store, "SELECT actor, target_user FROM interactions WHERE kind = 'follow'") == [
        (_user(CAROL), _user(BOB))
    ]
    assert rows(store, "SELECT id, handle FROM users") == [
        (_user(ALICE), PSEUDO.handle("bluesky", "alice.bsky.social"))
    ]


def test_author_feed_document_brings_context_posts_and_reposts(store):
    summary = run_ingest(store, BSKY / "author_feed.json")
    assert summary.files[0].format == "bluesky" and summary.rejected == 0
    assert summary.as_dict()["new"] == {"posts": 6, "users": 3, "interactions": 4}
    first = _post(store, _at(ALICE, "3l3raaaaaaa2a"))
    assert first["like_count"] == 5 and first["hashtags"] == ["photography"]
    alice = PSEUDO.user("bluesky", ALICE)
    assert first["media"] == [f"https://cdn.bsky.app/img/feed_fullsize/plain/{alice}/bafkreisun@jpeg"]
    parent = _at(CAROL, "3l3rccccccc2c")
    assert _post(store, _at(ALICE, "3l3raaaaaab2a"))["reply_to"] == parent
    assert _post(store, parent)["lang"] == "fr"  # the hydrated parent is stored too
    bob_post = _at(BOB, "3l3rbbbbbbb2b")
    assert _post(store, _at(ALICE, "3l3raaaaaac2a"))["quote_of"] == bob_post
    assert _post(store, bob_post)["like_count"] == 40
    reposts = rows(store, "SELECT actor, target_post, timestamp FROM interactions WHERE kind = 'repost'")
    assert reposts == [(_user(ALICE), bob_post, datetime(2024, 9, 10, 8, 5))]
    # The deleted parent (notFoundPost) is linked to but not invented.
    orphan = _post(store, _at(ALICE, "3l3raaaaaad2a"))
    assert orphan["reply_to"] == _at(DAVE, "3l3rddddddd2d")
    assert rows(store, "SELECT count(*) FROM posts WHERE author = ?", [_user(DAVE)]) == [(0,)]


def test_post_views_lines_pages_and_list_records(store):
    summary = run_ingest(store, BSKY / "post_views.jsonl")
    assert summary.rejected == 0 and summary.as_dict()["new"] == {"posts": 3, "users": 2, "interactions": 1}
    gen = "did:plc:q6gjnaw2blty4crticxkmujt"
    assert rows(store, "SELECT handle FROM users WHERE id = ?", [_user(gen)]) == [(None,)]  # handle.invalid
    assert rows(store, "SELECT actor, target_post FROM interactions") == [(_user(DAVE), STORED_ALICE_POST)]
    assert _post(store, _at(DAVE, "3l3shhhhhhh2h"))["author"] == _user(DAVE)


def test_malformed_lines_are_rejected_with_line_and_field(store):
    summary = run_ingest(store, BSKY / "malformed.jsonl")
    assert summary.files[0].format == "bluesky" and not summary.errors
    rejects = [orjson.loads(line) for line in store.path.with_suffix(".rejects.jsonl").read_bytes().splitlines()]
    got = [(r["line"], r["field"]) for r in rejects]
    assert got == [
        (2, None),
        (3, "record.text"),
        (4, "record.subject.uri"),
        (5, "commit.record"),
        (6, "did"),
        (7, "record.subject"),
        (9, "commit.rkey"),
        (10, "record.reply.parent.uri"),
        (11, "record.createdAt"),
    ]
    assert "not valid JSON" in rejects[0]["reason"]
    assert summary.as_dict()["new"] == {"posts": 2, "users": 0, "interactions": 2}
    assert rows(store, "SELECT count(*) FROM interactions WHERE kind = 'like'") == [(1,)]


def test_empty_and_compressed_files(store, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    summary = run_ingest(store, empty, format="bluesky")
    assert summary.read == 0 and not summary.errors and store.count("posts") == 0
    packed = tmp_path / "jetstream.jsonl.gz"
    packed.write_bytes(gzip.compress((BSKY / "valid.jsonl").read_bytes()))
    assert run_ingest(store, packed).as_dict()["new"]["posts"] == 5


def test_line_parallel_path_matches_sequential_read():
    importer = BlueskyImporter()
    source = Source(BSKY / "valid.jsonl")
    assert importer.line_delimited(source) and not importer.line_delimited(Source(BSKY / "author_feed.json"))
    worker = pickle.loads(pickle.dumps(importer))
    parallel = list(worker.read_lines(list(source.lines()), str(source.path)))
    sequential = [item if isinstance(item, Reject) else item[1] for item in importer.read(source)]
    assert parallel == sequential


def test_mention_handle_is_read_from_utf8_byte_range():
    text = "héllo 👋🏽 @carol.example.com and #日本"
    encoded = text.encode()
    start = encoded.index(b"@carol")
    record = {
        "$type": "app.bsky.feed.post",
        "createdAt": "2024-09-09T19:46:02Z",
        "text": text,
        "facets": [
            {"index": {"byteStart": start, "byteEnd": start + 18}, "features": [{"$type": "x#unknown"}]},
            {
                "index": {"byteStart": start, "byteEnd": start + 18},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": CAROL}],
            },
            {"index": "broken", "features": [{"$type": "app.bsky.richtext.facet#mention", "did": BOB}]},
        ],
    }
    event = {"did": ALICE, "time_us": 1725911162329308, "kind": "commit"}
    event["commit"] = {
        "operation": "create",
        "collection": "app.bsky.feed.post",
        "rkey": "3l3qo2vutsw2b",
        "record": record,
    }
    (post,) = BlueskyImporter().map_item(event)
    assert isinstance(post, Post) and post.mentions == ["carol.example.com"] and post.hashtags == []


def test_skipped_events_and_unknown_items():
    importer = BlueskyImporter()
    delete = {"did": ALICE, "time_us": 1, "kind": "commit", "commit": {"operation": "delete", "rkey": "x"}}
    account = {"did": ALICE, "time_us": 1, "kind": "account", "account": {"active": True}}
    identity = {"did": ALICE, "time_us": 1, "kind": "identity", "identity": {"did": ALICE, "handle": "a.bsky.social"}}
    assert importer.map_item(delete) == [] and importer.map_item(account) == []
    assert importer.map_item(identity) == [User(id=ALICE, platform="bluesky", handle="a.bsky.social")]
    with pytest.raises(RecordError) as caught:
        importer.map_item({"text": "neither"})
    assert caught.value.field == "uri"
    like = {"uri": f"at://{BOB}/app.bsky.feed.like/3l3", "value": {"subject": {"uri": ALICE_POST}}}
    assert importer.map_item(like) == [Interaction(actor=BOB, kind="like", platform="bluesky", target_post=ALICE_POST)]


def test_no_raw_did_is_left_in_post_references(store):
    """Post URIs embed their author's DID; the edge swaps it for the author's pseudonym."""
    run_ingest(store, BSKY / "valid.jsonl")
    refs = rows(store, "SELECT id, reply_to, quote_of FROM posts") + rows(store, "SELECT target_post FROM interactions")
    assert not [ref for row in refs for ref in row if ref and "did:plc:" in ref]
