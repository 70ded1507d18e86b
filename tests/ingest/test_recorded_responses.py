"""The importers on responses that real clients recorded (``scripts/fetch-recordings``)."""

from __future__ import annotations

import orjson
import pytest

from socialens.datasets import recorded
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Source
from tests.conftest import rows, run_ingest

HAVE = recorded.available()


@pytest.mark.skipif(not HAVE["x-v1"], reason="run scripts/fetch-recordings (rtweet cassettes)")
def test_every_recorded_v1_response_is_detected_and_read_without_rejects(store, tmp_path):
    paths = []
    for number, (_, document) in enumerate(recorded.x_v1_documents()):
        path = tmp_path / f"{number}.json"
        path.write_bytes(orjson.dumps(document))  # as a client saves a response: one document
        paths.append(path)
    assert {detect_format(Source(p)).format_name for p in paths} == {"twitter-v1"}
    summary = run_ingest(store, *paths)
    assert summary.errors == [] and summary.rejected == 0
    assert summary.as_dict()["new"]["posts"] > 2_000
    searches = [p for p in paths if b'"search_metadata"' in p.read_bytes()[-4096:]]
    assert len(searches) >= 20  # search responses ({"statuses": [...], "search_metadata": ...})
    assert rows(store, "SELECT count(DISTINCT author) FROM posts")[0][0] > 1_000


@pytest.mark.skipif(not HAVE["x-graphql"], reason="run scripts/fetch-recordings (twscrape mocked data)")
def test_every_recorded_graphql_response_imports(store, tmp_path):
    path = tmp_path / "graphql.jsonl"
    recorded.write_jsonl(recorded.x_graphql_documents(), path)
    summary = run_ingest(store, path)
    assert summary.files[0].format == "x-graphql" and summary.errors == [] and summary.rejected == 0
    counts = rows(store, "SELECT count(*), count(repost_of), count(quote_of), count(reply_to) FROM posts")[0]
    assert counts[0] > 300 and all(c > 0 for c in counts[1:])
    assert rows(store, "SELECT count(*) FROM users")[0][0] > 200


@pytest.mark.skipif(not HAVE["reddit"], reason="run scripts/fetch-recordings (Reddit cassettes)")
def test_recorded_reddit_listings_import_with_their_comment_trees(store, tmp_path):
    path = tmp_path / "reddit.jsonl"
    recorded.write_jsonl(recorded.reddit_documents(), path)
    summary = run_ingest(store, path)
    assert summary.files[0].format == "reddit" and summary.errors == [] and summary.rejected == 0
    posts, authors, replies = rows(store, "SELECT count(*), count(DISTINCT author), count(reply_to) FROM posts")[0]
    assert posts > 15_000 and authors > 10_000 and replies > 8_000
    # the largest thread's comments are all there, nested replies included
    ((top,),) = rows(store, "SELECT max(n) FROM (SELECT count(*) AS n FROM posts GROUP BY community, reply_to)")
    assert top > 100
