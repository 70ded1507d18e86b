"""The recorded responses of real clients (``scripts/fetch-recordings``) as raw documents."""

from __future__ import annotations

import pytest

from socialens.datasets import recorded

HAVE = recorded.available()


@pytest.mark.skipif(not HAVE["reddit"], reason="run scripts/fetch-recordings (Reddit cassettes)")
def test_reddit_documents_unwrap_every_cassette_kind_without_test_accounts():
    sources: set[str] = set()
    authors: set[str] = set()
    for where, document in recorded.reddit_documents():
        sources.add(where.split("/")[0])
        stack = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if node.get("kind") in ("t1", "t3"):
                    authors.add(str(node["data"].get("author")).lower())
                    assert str(node["data"].get("subreddit", "")).lower() not in recorded.TEST_SUBREDDITS
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    assert sources == set(recorded.REDDIT_CASSETTES)  # betamax JSON, vcrpy JSON and YAML (gzip bodies)
    assert not authors & recorded.TEST_ACCOUNTS and not [a for a in authors if a.startswith("<")]
    assert len(authors) > 5_000


@pytest.mark.skipif(not HAVE["x-v1"], reason="run scripts/fetch-recordings (rtweet cassettes)")
def test_x_v1_documents_are_statuses_searches_and_user_lookups():
    documents = list(recorded.x_v1_documents())
    searches = [d for _, d in documents if isinstance(d, dict) and "statuses" in d]
    assert len(documents) > 100 and len(searches) >= 20
    assert not [d for _, d in documents if isinstance(d, dict) and "error" in d]


@pytest.mark.skipif(not HAVE["x-graphql"], reason="run scripts/fetch-recordings (twscrape mocked data)")
def test_write_jsonl_gives_one_document_a_line(tmp_path):
    count = recorded.write_jsonl(recorded.x_graphql_documents(), tmp_path / "x.jsonl")
    assert count > 20 and len((tmp_path / "x.jsonl").read_bytes().splitlines()) == count
