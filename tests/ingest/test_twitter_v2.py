from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from socialens.ingest.twitter_v2 import TwitterV2Importer
from socialens.schema import Post, User
from tests.conftest import FIXTURES, rows, run_ingest

HERE = FIXTURES / "ingest" / "twitter-v2"
T1, T2, T3, T4 = "1641339425791750144", "1641342210316959745", "1641350087264886784", "1641367742108704769"
T5, T6, T7 = "1641401928113623040", "1641420367985090561", "1641431100921217024"
LENA, BIRDS = "1339835893", "917283746501234688"


def _rejects(store, summary) -> list[tuple[int, str | None, str]]:
    path = Path(summary.rejects_path)
    found = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
    return [(r["line"], r["field"], r["reason"]) for r in found if r["run_id"] == summary.run_id]


def test_response_document_maps_posts_users_links_and_counts(store, pseudonymizer):
    summary = run_ingest(store, HERE / "valid.json")
    assert summary.files[0].format == "twitter-v2" and summary.errors == []
    assert summary.rejected == 0
    assert summary.as_dict()["new"]["posts"] == 7 and summary.as_dict()["new"]["users"] == 4

    sql = "SELECT author, created_at, hashtags, urls, like_count, repost_count, reply_count, quote_count FROM posts"
    ((author, created, tags, urls, *counts),) = rows(store, f"{sql} WHERE id = ?", [T1])
    assert author == pseudonymizer.user("twitter", LENA)
    assert created == datetime(2023, 3, 30, 8, 15, 2)  # stored as naive UTC
    assert tags == ["citybirds"] and urls == ["https://citybirds.example.org/count-2023"]
    assert counts == [48, 12, 3, 1]
    links = rows(
        store,
        "SELECT id, reply_to, repost_of, quote_of FROM posts WHERE id IN (?, ?, ?, ?) ORDER BY id",
        [T2, T3, T4, T7],
    )
    assert links == [
        (T2, T1, None, None),
        (T3, None, T1, None),
        (T4, None, None, T1),
        (T7, "1641298765432109056", None, None),
    ]  # a deleted parent: the link stays
    kinds = rows(store, "SELECT kind, count(*) FROM interactions WHERE kind <> 'mention' GROUP BY kind ORDER BY kind")
    assert kinds == [("quote", 1), ("reply", 2), ("repost", 1)]


def test_long_posts_media_and_users(store, pseudonymizer):
    run_ingest(store, HERE / "valid.json")
    ((text, tags),) = rows(store, f"SELECT text, hashtags FROM posts WHERE id = '{T5}'")
    assert text.endswith("#UrbanEcology #CityBirds") and "…" not in text  # note_tweet wins over text
    assert tags == ["urbanecology", "citybirds"]
    ((media,),) = rows(store, f"SELECT media FROM posts WHERE id = '{T6}'")
    assert media == ["https://pbs.twimg.com/media/FsbX2abWAAEx9kQ.jpg"]
    ((text,),) = rows(store, f"SELECT text FROM posts WHERE id = '{T7}'")
    assert "&lt;" not in text and "<3" in text
    user = rows(
        store,
        "SELECT handle, name, followers, following, verified, created_at FROM users WHERE id = ?",
        [pseudonymizer.user("twitter", BIRDS)],
    )
    assert user == [
        (pseudonymizer.handle("twitter", "citybirdsproject"), None, 24310, 318, True, datetime(2017, 10, 9, 6, 12, 44))
    ]


def test_twarc2_pages_and_flattened_tweets_map_alike(store):
    pages = run_ingest(store, HERE / "pages.jsonl")
    assert pages.files[0].format == "twitter-v2" and pages.rejected == 0
    assert pages.as_dict()["new"]["posts"] == 4 and pages.as_dict()["new"]["users"] == 3
    flat = run_ingest(store, HERE / "flat.jsonl")
    assert flat.files[0].format == "twitter-v2" and flat.rejected == 0
    # The flattened lines repeat T1, T2 and T4 exactly as the pages gave them: nothing changes.
    assert flat.as_dict()["new"]["posts"] == 2 and flat.as_dict()["updated"]["posts"] == 0
    assert flat.as_dict()["new"]["users"] == 1 and flat.as_dict()["updated"]["users"] == 0
    assert rows(store, f"SELECT repost_of FROM posts WHERE id = '{T3}'") == [(T1,)]


@pytest.mark.parametrize(
    ("name", "expected", "posts"),
    [
        # one document: lines are item positions in "data"
        ("malformed.json", [(2, "text"), (4, "id"), (5, "public_metrics.like_count")], {T7, T5, T2, T1}),
        # twarc2 flatten: lines are file lines
        (
            "flat-malformed.jsonl",
            [(2, "text"), (3, None), (4, "id"), (5, "public_metrics.like_count"), (6, "text")],
            {T6, T7},
        ),
        # twarc2 pages: a cut-off page, and a page with one bad tweet whose neighbour still lands
        ("pages-malformed.jsonl", [(2, None), (3, "text")], {T5, T1, T4}),
    ],
)
def test_malformed_records_become_rejects_and_the_rest_lands(store, name, expected, posts):
    summary = run_ingest(store, HERE / name)
    assert summary.files[0].format == "twitter-v2" and summary.errors == []
    found = _rejects(store, summary)
    assert [(line, field) for line, field, _ in found] == expected
    assert all(reason for *_, reason in found)
    assert {r[0] for r in rows(store, "SELECT id FROM posts")} == posts


def test_one_line_document_numbers_items_by_position(store, tmp_path):
    doc = json.loads((HERE / "valid.json").read_text())
    del doc["data"][1]["text"]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(doc))  # what `curl ... > response.json` leaves
    summary = run_ingest(store, path)
    assert [(line, field) for line, field, _ in _rejects(store, summary)] == [(2, "text")]
    assert summary.as_dict()["new"]["posts"] == 6


@pytest.mark.parametrize("name", ["valid.json", "pages.jsonl", "flat.jsonl", "malformed.json"])
def test_auto_detection_picks_twitter_v2(name):
    assert detect_format(Source(HERE / name)).format_name == "twitter-v2"


def test_auto_detection_of_a_pretty_printed_response_longer_than_the_sample(tmp_path):
    doc = json.loads((HERE / "valid.json").read_text())
    doc["data"] = doc["data"] * 60  # > 64 KiB: the detection sample is not a whole document
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc, indent=2))
    assert path.stat().st_size > 70_000
    assert detect_format(Source(path)).format_name == "twitter-v2"


@pytest.mark.parametrize("other", ["twitter-v1/valid.jsonl", "twitter-v1/statuses.json", "twitter-archive/valid.js"])
def test_other_twitter_formats_are_not_claimed(other):
    assert TwitterV2Importer().sniff(_sample(FIXTURES / "ingest" / other)) == 0.0


def test_empty_file_and_empty_page_yield_nothing(store, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    page = tmp_path / "page.json"
    page.write_text('{"meta": {"result_count": 0}}\n')
    summary = run_ingest(store, empty, page, format="twitter-v2")
    assert summary.errors == [] and summary.read == 0 and summary.rejected == 0
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]


def test_ingesting_twice_changes_nothing(store):
    run_ingest(store, HERE / "valid.json")
    again = run_ingest(store, HERE / "valid.json").as_dict()
    assert again["new"] == {"posts": 0, "users": 0, "interactions": 0}
    assert again["updated"] == {"posts": 0, "users": 0, "interactions": 0}


def test_map_item_takes_a_whole_page_or_a_bare_tweet():
    importer = TwitterV2Importer()
    page = json.loads((HERE / "pages.jsonl").read_text().splitlines()[0])
    records = importer.map_item(page)
    assert [r.id for r in records if isinstance(r, Post)] == [T5, T1]
    assert {r.handle for r in records if isinstance(r, User)} == {"lena_k", "citybirdsproject"}
    bare = importer.map_item({"id": 7, "text": "hi", "author_id": 42, "public_metrics": {"like_count": "3"}})
    assert bare == [Post(id="7", platform="twitter", author="42", text="hi", like_count=3)]


def _sample(path: Path):
    from socialens.ingest.base import Sample

    source = Source(path)
    return Sample(name=source.name, head=source.head())
